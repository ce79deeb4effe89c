"""Everything the event generators share: the population, the exploitation, the time window
and the records being collected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from linewatch.synth.exploitation import Exploitation
from linewatch.synth.geography import Geography
from linewatch.synth.population import Population
from linewatch.synth.records import Records
from linewatch.synth.timeline import Window


@dataclass(slots=True)
class World:
    population: Population
    exploitation: Exploitation
    window: Window
    records: Records = field(default_factory=Records)
    age: np.ndarray = field(init=False)
    town: np.ndarray = field(init=False)
    male: np.ndarray = field(init=False)
    kind: np.ndarray = field(init=False)
    exploited_rows: set[int] = field(init=False)
    # Set by the exploitation events, read by the education records: from a date, a pupil's
    # absence rises to a rate; and some are moved to a pupil referral unit.
    absence_after: dict[int, tuple[date, float]] = field(default_factory=dict)
    exploited_since: dict[int, date] = field(init=False)
    moved_to_pru: dict[int, date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        people = self.population.people
        self.age = self.population.ages()
        self.town = people["town"].to_numpy()
        self.male = people["sex"].eq("male").to_numpy()
        self.kind = people["kind"].to_numpy()
        exploited = self.exploitation.exploited
        self.exploited_since = (
            dict(zip(exploited["row"].tolist(), exploited["start"].tolist(), strict=True)) if len(exploited) else {}
        )
        self.exploited_rows = set(self.exploited_since)

    @property
    def people(self) -> pd.DataFrame:
        return self.population.people

    @property
    def geo(self) -> Geography:
        return self.population.geography

    def town_name(self, town: int) -> str:
        return self.geo.towns[town].town

    def address(self, index: int) -> dict[str, object]:
        row = self.geo.addresses.iloc[index]
        return {
            "line1": row["line1"],
            "town": self.town_name(int(row["town"])),
            "postcode": row["postcode"],
            "uprn": int(row["uprn"]),
            "latitude": float(row["latitude"]),
            "longitude": float(row["longitude"]),
        }

    def place(self, index: int) -> dict[str, object]:
        row = self.geo.places.iloc[index]
        return {
            "line1": row["name"],
            "town": self.town_name(int(row["town"])),
            "postcode": row["postcode"],
            "uprn": int(row["uprn"]),
            "latitude": float(row["latitude"]),
            "longitude": float(row["longitude"]),
        }

    def innocent(self) -> np.ndarray:
        """Mask of people not exploited."""
        mask = np.ones(len(self.people), dtype=bool)
        if self.exploited_rows:
            mask[list(self.exploited_rows)] = False
        return mask
