"""The places definition (places.yaml): signal weights, scales, levels and actions for cuckooing,
and the settings of hotspots, peer groups and routes. Validated at load; a mistake is reported
with the file and line (linewatch.definitions)."""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from linewatch.definitions import load_definition

DEFAULT_DEFINITION = Path(__file__).parent / "places.yaml"


class Level(StrEnum):
    high = "high"
    medium = "medium"
    low = "low"
    none = "none"


LEVEL_ORDER = {Level.high: 3, Level.medium: 2, Level.low: 1, Level.none: 0}


class CuckooingSignal(StrEnum):
    vulnerable_tenant = "vulnerable_tenant"
    asb_reports = "asb_reports"
    asb_kinds = "asb_kinds"
    police_incidents = "police_incidents"
    intelligence = "intelligence"
    young_people_out_of_area = "young_people_out_of_area"
    night_phones = "night_phones"
    change_in_pattern = "change_in_pattern"


class SignalDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    weight: float = Field(ge=0)
    scale: float = Field(gt=0)

    def evidence(self, value: float) -> float:
        """1 - exp(-value / scale): 0 for nothing, 0.63 at the scale, approaching 1 above it."""
        return 0.0 if value <= 0 else 1.0 - math.exp(-value / self.scale)


class Levels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    high: float = Field(ge=0, le=1)
    medium: float = Field(ge=0, le=1)
    low: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Levels:
        if not self.high >= self.medium >= self.low:
            raise ValueError("levels must be ordered: high >= medium >= low")
        return self

    def of(self, score: float) -> Level:
        if score >= self.high:
            return Level.high
        if score >= self.medium:
            return Level.medium
        if score >= self.low and score > 0:
            return Level.low
        return Level.none


class CuckooingDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    signals: dict[CuckooingSignal, SignalDefinition]
    asb_categories: dict[str, float]
    cuckooing_kinds: list[str]
    incident_types: dict[str, float]
    drugs_found_bonus: float = Field(ge=0)
    nearby_m: float = Field(gt=0)
    night_min_nights: int = Field(ge=1)
    serving_cell_within_m: float = Field(gt=0)
    recent_days: int = Field(ge=7)
    change_min_recent: int = Field(ge=1)
    change_min_ratio: float = Field(ge=1)
    change_prior_per_year: float = Field(gt=0)
    levels: Levels
    flag_level: Level
    radius_m: float = Field(gt=0)
    actions: dict[Level, str]

    @model_validator(mode="after")
    def _complete(self) -> CuckooingDefinition:
        missing = [signal.value for signal in CuckooingSignal if signal not in self.signals]
        if missing:
            raise ValueError(f"signals missing: {', '.join(missing)}")
        if self.flag_level is Level.none:
            raise ValueError("flag_level must be high, medium or low")
        return self

    def total_weight(self) -> float:
        return sum(signal.weight for signal in self.signals.values()) or 1.0


class HotspotEvents(BaseModel):
    model_config = ConfigDict(extra="forbid")

    missing_found: bool = True
    police_incidents: list[str]
    sightings: list[str]


class HotspotDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge_within_m: float = Field(gt=0)
    min_young_people: int = Field(ge=1)
    out_of_area_factor: float = Field(ge=1)
    line_factor: float = Field(ge=1)
    repeat_bonus: float = Field(ge=0)
    scale: float = Field(gt=0)
    recent_days: int = Field(ge=7)
    levels: Levels
    flag_level: Level
    min_radius_m: float = Field(gt=0)
    max_radius_m: float = Field(gt=0)
    events: HotspotEvents


class PeerDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_members: int = Field(ge=2)
    min_shared_events: int = Field(ge=1)
    include_adults: bool = True


class RouteSource(StrEnum):
    missing_found = "missing_found"
    transport_police = "transport_police"
    rail_of_concern = "rail_of_concern"
    rail_other = "rail_other"
    runner_phones = "runner_phones"
    line_vehicles = "line_vehicles"
    other_vehicles = "other_vehicles"


class SourceDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    weight: float = Field(ge=0)


class RouteDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: dict[RouteSource, SourceDefinition]
    trip_weight: float = Field(ge=0)
    vehicle_move_within_hours: float = Field(gt=0)
    top: int = Field(ge=1)

    @model_validator(mode="after")
    def _complete(self) -> RouteDefinition:
        missing = [source.value for source in RouteSource if source not in self.sources]
        if missing:
            raise ValueError(f"sources missing: {', '.join(missing)}")
        return self


class PlacesDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cuckooing: CuckooingDefinition
    hotspots: HotspotDefinition
    peers: PeerDefinition
    routes: RouteDefinition


def load_places_definition(path: Path | None = None) -> PlacesDefinition:
    return load_definition(path or DEFAULT_DEFINITION, PlacesDefinition)
