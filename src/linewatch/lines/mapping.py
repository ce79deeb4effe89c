"""Comms mappings: how one operator's export format maps onto call records, subscribers and
cell sites.

A mapping is a YAML file (see mappings/operator_default.yaml and docs/lines.md): the column
names of each kind of file, how numbers and times are written. It is checked when loaded, so a
mapping with an unknown key or format fails with the file and line before any data is read.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from linewatch.definitions import DefinitionError, load_definition

SHIPPED_MAPPINGS = Path(__file__).parent / "mappings"

NumberFormat = Literal["e164", "international_digits", "national", "auto"]
EventType = Literal["voice", "sms", "mms", "data"]
DEFAULT_EVENT_TYPES: dict[str, EventType] = {"voice": "voice", "sms": "sms", "mms": "mms", "data": "data"}


class RecordKind(StrEnum):
    calls = "calls"
    subscribers = "subscribers"
    cell_sites = "cell_sites"


class CallColumns(BaseModel):
    """Source column of each call-record field; cell_id and imei may be absent from a file."""

    model_config = ConfigDict(extra="forbid")

    a_number: str
    b_number: str
    started_at: str
    duration_seconds: str
    event_type: str
    cell_id: str | None = None
    imei: str | None = None
    event_types: dict[str, EventType] = Field(default_factory=lambda: dict(DEFAULT_EVENT_TYPES))

    @field_validator("event_types")
    @classmethod
    def _codes_casefolded(cls, value: dict[str, str]) -> dict[str, str]:
        return {str(code).strip().casefold(): target for code, target in value.items()}

    def required(self) -> list[str]:
        return [self.a_number, self.b_number, self.started_at, self.duration_seconds, self.event_type]


class SubscriberColumns(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str
    name: str | None = None
    address: str | None = None
    registered: str | None = None
    pay_as_you_go: str | None = None
    network: str | None = None
    date_format: str = "%Y-%m-%d"

    def required(self) -> list[str]:
        return [self.number]


class CellSiteColumns(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cell_id: str
    town: str
    latitude: str
    longitude: str
    azimuth: str | None = None

    def required(self) -> list[str]:
        return [self.cell_id, self.town, self.latitude, self.longitude]


class CommsMapping(BaseModel):
    """One operator's export format."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str | None = None
    number_format: NumberFormat = "auto"
    country_code: str = Field(default="44", pattern=r"^[1-9][0-9]{0,2}$")
    timezone: str = "UTC"
    time_format: str | list[str] = "%Y-%m-%d %H:%M:%S"
    delimiter: str = ","
    calls: CallColumns | None = None
    subscribers: SubscriberColumns | None = None
    cell_sites: CellSiteColumns | None = None

    @property
    def time_formats(self) -> list[str]:
        return [self.time_format] if isinstance(self.time_format, str) else list(self.time_format)

    def kind_of(self, columns: list[str]) -> RecordKind | None:
        """The kind of records a file with these columns holds, by its required columns."""
        present = set(columns)
        sections: list[tuple[RecordKind, CallColumns | SubscriberColumns | CellSiteColumns | None]] = [
            (RecordKind.calls, self.calls),
            (RecordKind.cell_sites, self.cell_sites),
            (RecordKind.subscribers, self.subscribers),
        ]
        for kind, section in sections:
            if section is not None and set(section.required()) <= present:
                return kind
        return None

    def expected_columns(self) -> str:
        described = []
        for kind in RecordKind:
            section = getattr(self, kind.value)
            if section is not None:
                described.append(f"{kind.value}: {', '.join(section.required())}")
        return "; ".join(described)


def find_mapping(name_or_path: str) -> Path:
    """A mapping by file path, or by name among the shipped comms mappings."""
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"}:
        return candidate
    path = SHIPPED_MAPPINGS / f"{name_or_path}.yaml"
    if path.exists():
        return path
    known = sorted(p.stem for p in SHIPPED_MAPPINGS.glob("*.yaml"))
    raise DefinitionError(candidate, f"no such comms mapping (shipped: {', '.join(known)})")


def load_comms_mapping(name_or_path: str) -> tuple[CommsMapping, Path]:
    path = find_mapping(name_or_path)
    return load_definition(path, CommsMapping), path
