"""Cell sites and where each phone is: which cell serves the A-party of every record.

A phone sleeps under its night cell, spends the day mostly under a second usual cell, and is
otherwise anywhere in its current town. Behaviours move phones for a day (a runner deployed to a
market town) or for some hours (a re-supply trip back to the hub) through Whereabouts.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from linewatch.synth.comms.errors import CommsSpecError
from linewatch.synth.comms.rates import BackgroundRates
from linewatch.synth.comms_spec import CellSite, Town


class CellPlan:
    """The county's cell sites grouped by town."""

    def __init__(self, towns: Sequence[Town], sites: Sequence[CellSite]) -> None:
        self.town_names = [town.name for town in towns]
        town_index = {name: i for i, name in enumerate(self.town_names)}
        if len(town_index) != len(self.town_names):
            raise CommsSpecError("towns: two towns share a name; town names must be unique")
        seen: set[str] = set()
        for position, site in enumerate(sites):
            if site.town not in town_index:
                raise CommsSpecError(
                    f"cell_sites[{position}] {site.cell_id!r}: town {site.town!r} is not one of "
                    f"the spec's towns ({', '.join(self.town_names)})"
                )
            if site.cell_id in seen:
                raise CommsSpecError(f"cell_sites[{position}]: cell id {site.cell_id!r} repeats")
            seen.add(site.cell_id)
        self.sites = list(sites)
        self.cell_town = np.asarray([town_index[s.town] for s in sites], dtype=np.int32)
        self.cell_ids = pa.array([s.cell_id for s in sites], pa.string())
        self.latitude = np.asarray([s.latitude for s in sites], dtype=np.float64)
        self.longitude = np.asarray([s.longitude for s in sites], dtype=np.float64)
        order = np.argsort(self.cell_town, kind="stable")
        self.cells_by_town = order.astype(np.int32)
        self.town_count = np.bincount(self.cell_town, minlength=len(towns)).astype(np.int32)
        self.town_start = (np.cumsum(self.town_count) - self.town_count).astype(np.int32)
        empty = [self.town_names[i] for i in np.flatnonzero(self.town_count == 0).tolist()]
        if empty:
            raise CommsSpecError(f"cell_sites: no cell site in town(s) {', '.join(empty)}")

    def random_cells(self, rng: np.random.Generator, towns: np.ndarray) -> np.ndarray:
        """A cell chosen uniformly in each given town."""
        offset = (rng.random(len(towns)) * self.town_count[towns]).astype(np.int32)
        return self.cells_by_town[self.town_start[towns] + offset]

    def nearest_cell(self, town: int, latitude: float, longitude: float) -> int:
        start, count = self.town_start[town], self.town_count[town]
        candidates = self.cells_by_town[start : start + count]
        # Equirectangular distance is plenty for choosing among cells a few km apart.
        dy = self.latitude[candidates] - latitude
        dx = (self.longitude[candidates] - longitude) * np.cos(np.radians(latitude))
        return int(candidates[np.argmin(dx * dx + dy * dy)])

    def azimuth(self, cell: int) -> int:
        """Sector bearing: sites are three-sector, so cells in a town cycle 0/120/240 degrees,
        turned by a per-site offset so that not every town faces north."""
        town = int(self.cell_town[cell])
        rank = int(np.flatnonzero(self.cells_by_town == cell)[0]) - int(self.town_start[town])
        return (rank % 3) * 120 + (town * 37 + rank // 3 * 11) % 120

    def write_csv(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["cell_id", "town", "latitude", "longitude", "azimuth"])
            for cell, site in enumerate(self.sites):
                writer.writerow(
                    [
                        site.cell_id,
                        site.town,
                        f"{site.latitude:.6f}",
                        f"{site.longitude:.6f}",
                        self.azimuth(cell),
                    ]
                )


@dataclass(frozen=True, slots=True)
class Trip:
    """Some hours that a phone spends in another town (epoch seconds, so that a record just
    after midnight is never taken for one in the early hours of the trip's day)."""

    phone: int
    start: int
    end: int  # exclusive
    town: int


@dataclass(slots=True)
class Whereabouts:
    """Where each phone is on one day: its town, night cell and usual day cell, plus trips."""

    town: np.ndarray
    night_cell: np.ndarray
    day_cell: np.ndarray
    fixed: np.ndarray  # bool: always under its night cell (a business's premises, a gateway)
    trips: list[Trip] = field(default_factory=list)

    def copy(self) -> Whereabouts:
        return Whereabouts(self.town.copy(), self.night_cell.copy(), self.day_cell.copy(), self.fixed, [])


def usual_whereabouts(plan: CellPlan, rng: np.random.Generator, home_town: np.ndarray) -> Whereabouts:
    """Each phone at home in its own town, with a night cell and a day cell drawn there."""
    return Whereabouts(
        home_town.copy(),
        plan.random_cells(rng, home_town),
        plan.random_cells(rng, home_town),
        np.zeros(len(home_town), dtype=bool),
    )


def serving_cells(
    plan: CellPlan,
    where: Whereabouts,
    rng: np.random.Generator,
    phones: np.ndarray,
    times: np.ndarray,
    local_hour: np.ndarray,
    rates: BackgroundRates,
) -> np.ndarray:
    """The cell serving each event's A-party, from where the phone is at that time."""
    night = (local_hour < 7) | (local_hour >= 22)
    draw = rng.random(len(phones))
    cell = plan.random_cells(rng, where.town[phones])
    night_cell = where.night_cell[phones]
    cell = np.where(night & (draw < rates.home_cell_at_night), night_cell, cell)
    by_day = ~night
    cell = np.where(by_day & (draw < rates.day_cell_by_day), where.day_cell[phones], cell)
    at_home_by_day = by_day & (draw >= rates.day_cell_by_day) & (draw < rates.day_cell_by_day + rates.home_cell_by_day)
    cell = np.where(at_home_by_day | where.fixed[phones], night_cell, cell)
    for trip in where.trips:
        away = (phones == trip.phone) & (times >= trip.start) & (times < trip.end)
        count = int(away.sum())
        if count:
            cell[away] = plan.random_cells(rng, np.full(count, trip.town, dtype=np.int32))
    return cell
