"""Pydantic models of what the API returns, shared by routes; they document the OpenAPI spec."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from linewatch.api.pagination import PageInfo


class RecordView(BaseModel):
    """A stored record as the caller may see it."""

    record_type: str = Field(examples=["MissingEpisode"])
    label: str
    agency: str
    source_id: str
    version: int
    ingested_at: dt.datetime
    date: dt.date | dt.datetime | None = Field(description="The record's own date (the model's date property)")
    caption: str
    fields: dict[str, Any] = Field(description="Properties; those of a class closed to the caller are null")
    redacted: list[str] = Field(description="Properties that held a value the caller may not see")


class Identity(RecordView):
    match_probability: float | None
    evidence: str


class AssociationView(RecordView):
    other_subject_id: str | None


class Neighbour(BaseModel):
    subject_id: str
    via: list[str]


class SubjectProfile(BaseModel):
    subject_id: str
    members: int = Field(description="Person records linked into this subject, across all agencies")
    members_visible: int = Field(description="Of those, the ones the caller may see")
    identities: list[Identity]
    chronology: list[RecordView]
    associations: list[AssociationView]
    neighbours: list[Neighbour]
    indicators: list[dict[str, Any]]
    indicators_available: bool
    purpose: str
    agreements: list[str] = Field(description="Data-sharing agreements that opened records to the caller")


class SearchRecord(BaseModel):
    agency: str
    source_id: str
    name: str | None
    date_of_birth: dt.date | None


class SearchHit(BaseModel):
    subject_id: str
    score: float
    matched_on: list[str]
    records: list[SearchRecord]


class SearchPage(PageInfo):
    items: list[SearchHit]


class Page(PageInfo):
    items: list[dict[str, Any]]
