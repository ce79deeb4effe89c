"""What the synthetic county hands to the communications-data generator.

The population and exploitation generator decides who runs which line, from which town, with
which phones; the communications generator turns that into call and SMS records. This module is
the whole contract between the two, so each can be built and tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class CellSite:
    cell_id: str
    town: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Town:
    name: str
    latitude: float
    longitude: float
    is_hub: bool


@dataclass(frozen=True, slots=True)
class LineNumberPeriod:
    """One number a deal line used, with the handset it ran on, for a span of days."""

    number: str  # E.164
    imei: str
    start: date
    end: date | None  # None: still in use at the end of the period


@dataclass(frozen=True, slots=True)
class RunnerSpec:
    person_id: str  # the true person (truth id), never written to feeds by the comms generator
    phone: str  # E.164
    imei: str
    town: str  # market town they work in while active
    active_from: date
    active_to: date | None
    cuckooed_latitude: float | None = None  # where the runner's phone sleeps when deployed
    cuckooed_longitude: float | None = None


@dataclass(frozen=True, slots=True)
class LineSpec:
    line_id: str
    brand: str
    origin_town: str
    market_towns: tuple[str, ...]
    numbers: tuple[LineNumberPeriod, ...]  # consecutive; each change is a continuity event
    closed_on: date | None  # the line stops operating for good (not a number change)
    controller_person_ids: tuple[str, ...]
    controller_phones: tuple[str, ...]  # E.164, used in the origin town
    runners: tuple[RunnerSpec, ...]
    customer_phones: tuple[str, ...]  # E.164, customers living in the market towns
    customer_towns: tuple[str, ...]  # parallel to customer_phones


@dataclass(frozen=True, slots=True)
class PersonPhone:
    """An ordinary phone of someone in the population (child, young adult or adult)."""

    person_id: str
    phone: str  # E.164
    imei: str
    town: str


@dataclass(slots=True)
class CommsSpec:
    start: date
    days: int
    towns: tuple[Town, ...]
    cell_sites: tuple[CellSite, ...]
    lines: tuple[LineSpec, ...]
    person_phones: tuple[PersonPhone, ...]  # phones of people in the population
    target_records: int  # approximate total call/SMS records to generate
    seed: int
    extra: dict[str, object] = field(default_factory=dict)
