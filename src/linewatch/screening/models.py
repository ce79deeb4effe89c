"""What screening gives back to the command line, the web API and evaluation: typed, immutable
Pydantic models. Each evidence item names its record's schema so that the API can redact it by
that schema's sensitivity for a user who may not see it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class EvidenceItem(Frozen):
    record_schema: str  # e.g. "MissingEpisode": the API redacts by this schema's sensitivity
    agency: str
    source_id: str
    date: date
    description: str


class Reason(Frozen):
    """An indicator that fired, with the records it rests on."""

    indicator: str
    label: str
    kind: str  # warning_sign | risk_factor | protective_factor
    points: float
    records: int
    agencies: list[str]
    latest: date | None
    evidence: list[EvidenceItem] = []


class ScoreParts(Frozen):
    warning_signs: float
    corroboration: float = 0.0  # warning signs seen by several agencies
    risk_factors: float
    risk_factors_counted: float  # after the cap
    protective_factors: float
    protective_factors_counted: float


class SubjectScreening(Frozen):
    """One subject's screening in one run: score, level, and why."""

    subject_id: str
    run_id: int
    as_at: date
    score: float
    level: str
    previous_level: str | None
    first_moderate_at: date | None
    latest_evidence_at: date | None
    agencies: int
    age: int | None
    age_band: str
    sex: str
    ethnicity: str
    area: str
    local_authority: str
    parts: ScoreParts
    reasons: list[Reason]


class SubjectHistoryPoint(Frozen):
    run_id: int
    as_at: date
    level: str
    score: float


class UnavailableIndicator(Frozen):
    indicator: str
    reason: str


class RunSummary(Frozen):
    run_id: int
    as_at: date
    started_at: datetime
    finished_at: datetime | None
    run_by: str
    definitions: str
    definitions_sha256: str
    subjects_screened: int
    levels: dict[str, int]
    seconds: float
    inputs: dict[str, Any]
    unavailable: list[UnavailableIndicator]


class TriageRow(Frozen):
    subject_id: str
    level: str
    score: float
    previous_level: str | None
    change: str  # new | raised | lowered | same
    first_moderate_at: date | None
    latest_evidence_at: date | None
    agencies: int
    age: int | None
    sex: str
    area: str
    reasons: list[str]  # labels, strongest first


class TriagePage(Frozen):
    run: RunSummary
    total: int
    offset: int
    limit: int
    rows: list[TriageRow]


class IndicatorChange(Frozen):
    indicator: str
    label: str
    points: float


class SubjectChanges(Frozen):
    """What changed for a subject since a date (e.g. the last panel)."""

    subject_id: str
    since: date
    baseline_run_id: int | None  # the screening kept from on or before `since`, if any
    baseline_as_at: date | None
    current_run_id: int
    current_as_at: date
    level_before: str | None
    level_now: str
    score_before: float | None
    score_now: float
    new_reasons: list[IndicatorChange]
    gone_reasons: list[IndicatorChange]
    new_evidence: list[EvidenceItem]  # records behind today's reasons dated after `since` or new since the baseline
    note: str


class MissingEpisodeRow(Frozen):
    subject_id: str | None
    agency: str
    source_id: str
    reported_at: datetime
    returned_at: datetime | None
    found_location: str | None
    found_area: str | None
    found_distance_km: float | None
    found_other_local_authority: bool
    flagged_place: str | None
    return_interview: str  # completed | declined | unable_to_contact | not_offered | none
    return_interview_due: datetime | None  # returned_at + 72 hours
    status: (
        str  # still_missing | due | overdue | completed | completed_late | declined | unable_to_contact | not_offered
    )
    hours_overdue: float | None


class RepeatPattern(Frozen):
    subject_id: str
    episodes: int  # in the window
    episodes_90_days: int
    first_reported_at: datetime
    last_reported_at: datetime
    found_areas: list[str]
    furthest_km: float | None
    not_interviewed: int


class MissingOverview(Frozen):
    as_at: datetime
    days: int
    episodes: int
    still_missing: list[MissingEpisodeRow]
    due: list[MissingEpisodeRow]
    overdue: list[MissingEpisodeRow]
    repeats: list[RepeatPattern]
    found_areas: dict[str, int]


class GroupRate(Frozen):
    dimension: str  # sex | ethnicity | age_band | area | local_authority
    group: str
    population: int | None  # None when suppressed
    flagged: int | None
    population_share: float | None
    flagged_share: float | None
    rate: float | None
    rate_ratio: float | None  # rate in the group / rate in everyone else
    ratio_low: float | None  # 95% confidence interval of the ratio
    ratio_high: float | None
    finding: str  # over | under | in line | too few to say | suppressed


class FairnessReport(Frozen):
    run_id: int
    as_at: date
    flagged_from: str  # the level counted as flagged (moderate: moderate or above)
    population_source: str  # "subjects screened" or the population file
    population: int
    flagged: int
    rate: float
    suppressed: bool
    groups: list[GroupRate]
