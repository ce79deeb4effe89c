"""The true events of the county, in the model's vocabulary, before any agency writes them down.

Each table holds one kind of event (a missing episode, a police contact, an A&E attendance ...)
with the true person it concerns (`person`: a row of the population, -1 for none) and why it
happened (`signal`): "exploitation" (caused by a child's exploitation), "cuckooing", "line"
(gang or customer activity), "lookalike" (an innocent look-alike of an exploitation signal) or
"" (everyday background). Feeds are rendered from these tables; truth/ is written from them too.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from typing import Any

import pandas as pd

COLUMNS: dict[str, tuple[str, ...]] = {
    "missing": (
        "episode",
        "person",
        "reported_at",
        "last_seen_at",
        "returned_at",
        "reported_by",
        "found_location",
        "found_town",
        "found_postcode",
        "found_uprn",
        "found_latitude",
        "found_longitude",
        "found_with",
        "risk",
        "episode_type",
        "signal",
    ),
    "incidents": (
        "incident",
        "person",
        "role",
        "incident_type",
        "occurred_at",
        "location",
        "town",
        "postcode",
        "latitude",
        "longitude",
        "offence",
        "drugs_found",
        "drug_type",
        "cash_found",
        "cash_amount",
        "weapon_found",
        "phones_found",
        "outcome",
        "signal",
        "line_id",
    ),
    "intel": ("person", "recorded_at", "grading", "topic", "text", "phone", "postcode", "vrm", "signal", "line_id"),
    "associations": (
        "person",
        "other_person",
        "phone",
        "address",
        "vrm",
        "association_type",
        "observed_at",
        "source_description",
        "signal",
    ),
    "anpr": ("vrm", "camera", "seen_at", "latitude", "longitude", "location", "signal", "line_id"),
    "rail": (
        "person",
        "sighting_type",
        "seen_at",
        "station_code",
        "origin_station",
        "destination_station",
        "ticket_type",
        "latitude",
        "longitude",
        "location",
        "signal",
    ),
    "care_status": (
        "person",
        "status",
        "start_date",
        "end_date",
        "placement_type",
        "placement_postcode",
        "placement_out_of_area",
        "category",
        "signal",
    ),
    "referrals": ("person", "referred_at", "referred_by", "referred_to", "reason", "outcome", "signal"),
    "rhi": ("person", "episode", "offered_at", "completed_at", "outcome", "disclosures", "signal"),
    "nrm": (
        "person",
        "referred_at",
        "first_responder",
        "exploitation_type",
        "reasonable_grounds",
        "reasonable_grounds_at",
        "conclusive_grounds",
        "conclusive_grounds_at",
        "signal",
    ),
    "placements": ("person", "school", "setting", "start_date", "end_date", "send", "signal"),
    "attendance": (
        "person",
        "school",
        "term",
        "term_start",
        "sessions_possible",
        "sessions_missed",
        "sessions_unauthorised",
        "signal",
    ),
    "exclusions": ("person", "school", "exclusion_type", "start_date", "sessions", "reason", "signal"),
    "ae": ("person", "attended_at", "setting", "reason", "clinical_detail", "hospital", "accompanied_by", "signal"),
    "substance": ("person", "referred_at", "substance", "service", "status", "signal"),
    "tenancies": ("person", "address", "start_date", "end_date", "tenure", "vulnerability_flags", "signal"),
    "asb": ("address", "person", "reported_at", "category", "description", "signal"),
    "concerns": ("person", "agency", "recorded_at", "recorded_by_role", "signs", "narrative", "signal"),
}

# The time column each table is ordered by (ties broken by person, then the other columns).
TIME_COLUMN = {
    "missing": "reported_at",
    "incidents": "occurred_at",
    "intel": "recorded_at",
    "associations": "observed_at",
    "anpr": "seen_at",
    "rail": "seen_at",
    "care_status": "start_date",
    "referrals": "referred_at",
    "rhi": "offered_at",
    "nrm": "referred_at",
    "placements": "start_date",
    "attendance": "term_start",
    "exclusions": "start_date",
    "ae": "attended_at",
    "substance": "referred_at",
    "tenancies": "start_date",
    "asb": "reported_at",
    "concerns": "recorded_at",
}


class Records:
    """Collects events row by row (for the few exploitation events) or as whole frames (for the
    vectorised background), then hands back one ordered frame per table."""

    def __init__(self) -> None:
        self._rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._frames: dict[str, list[pd.DataFrame]] = defaultdict(list)
        self._keys: dict[str, int] = defaultdict(int)

    def keys(self, table: str, count: int = 1) -> range:
        """Fresh identifiers for events that others refer to (episodes, incidents)."""
        first = self._keys[table]
        self._keys[table] += count
        return range(first, first + count)

    def add(self, table: str, **fields: Any) -> int:
        """Add one event; returns its position among the table's row-by-row events."""
        unknown = set(fields) - set(COLUMNS[table])
        if unknown:
            raise KeyError(f"{table} has no columns {sorted(unknown)}")
        self._rows[table].append(fields)
        return len(self._rows[table]) - 1

    def add_frame(self, table: str, frame: pd.DataFrame) -> None:
        unknown = set(frame.columns) - set(COLUMNS[table])
        if unknown:
            raise KeyError(f"{table} has no columns {sorted(unknown)}")
        if len(frame):
            self._frames[table].append(frame)

    def pending(self, table: str) -> list[dict[str, Any]]:
        return self._rows[table]

    def table(self, table: str) -> pd.DataFrame:
        """All events of one kind, in a stable order, with every column present."""
        parts = [*self._frames[table]]
        if self._rows[table]:
            parts.append(pd.DataFrame(self._rows[table]))
        columns = list(COLUMNS[table])
        if not parts:
            return pd.DataFrame(columns=columns)
        with warnings.catch_warnings():
            # Frames with an all-empty column (no end dates yet) are fine to concatenate.
            warnings.simplefilter("ignore", FutureWarning)
            frame = pd.concat(parts, ignore_index=True).reindex(columns=columns)
        frame["signal"] = frame["signal"].fillna("")
        if "person" in frame:
            frame["person"] = frame["person"].fillna(-1).astype("int64")
        time_column = TIME_COLUMN[table]
        frame[time_column] = pd.to_datetime(frame[time_column])
        order = [time_column, *(["person"] if "person" in frame else [])]
        return frame.sort_values(order, kind="stable").reset_index(drop=True)
