"""Foundation metrics: did every source record of the county's feeds reach the store, and were
the identifiers the generator deliberately corrupted flagged invalid (and only those)?"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy import select

from linewatch.evaluate.registry import Figure, MetricUnavailable, metric
from linewatch.settings import load_settings
from linewatch.store.engine import make_engine
from linewatch.store.tables import metadata

IDENTIFIER_FIELDS = ("nhs_number", "upn", "pnc_id", "postcode", "phone", "uprn")


def read_truth(county: Path, name: str) -> pd.DataFrame:
    path = county / "truth" / name
    if not path.exists():
        raise MetricUnavailable(f"{path} is missing: not a county made by `linewatch synth`")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def stored_people(workspace: Path, current_only: bool = True) -> pd.DataFrame:
    database = workspace / "linewatch.db"
    settings = load_settings(workspace)
    if settings.is_sqlite and not database.exists():
        raise MetricUnavailable(f"no store in {workspace}: run `linewatch demo --county ... --no-serve` first")
    person = metadata.tables["person"]
    columns = [person.c.agency, person.c.source_id]
    columns += [person.c[f"{field}_valid"] for field in IDENTIFIER_FIELDS]
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            query = select(*columns)
            if current_only:
                query = query.where(person.c.is_current.is_(True))
            rows = connection.execute(query).all()
    finally:
        engine.dispose()
    return pd.DataFrame(rows, columns=["agency", "source_id", *(f"{f}_valid" for f in IDENTIFIER_FIELDS)])


@metric("feed completeness", "foundation")
def feed_completeness(county: Path, workspace: Path) -> list[Figure]:
    truth = read_truth(county, "person_records.csv")
    stored = stored_people(workspace)
    keys = set(zip(stored["agency"], stored["source_id"], strict=True))
    expected = set(zip(truth["agency"], truth["source_person_id"], strict=True))
    found = len(expected & keys)
    return [
        Figure(
            "person records loaded",
            found / len(expected) if expected else 0.0,
            "share of the county's source person records (agency, local person id) held as current Person rows",
            ">= 1",
            f"{found:,} of {len(expected):,}; {len(keys - expected):,} stored records not in the truth",
        )
    ]


@metric("invalid identifiers flagged", "foundation")
def identifiers_flagged(county: Path, workspace: Path) -> list[Figure]:
    corrupted = read_truth(county, "corrupted_identifiers.csv")
    corrupted = corrupted[(corrupted["noise"] == "invalid_identifier") & corrupted["field"].isin(IDENTIFIER_FIELDS)]
    # Every version counts: a corrupted value may have been corrected by a later row of the feed.
    stored = stored_people(workspace, current_only=False)
    flagged: set[tuple[str, str, str]] = set()
    for field in IDENTIFIER_FIELDS:
        invalid = stored[stored[f"{field}_valid"] == False]  # noqa: E712 - pandas element-wise comparison
        flagged.update((a, s, field) for a, s in zip(invalid["agency"], invalid["source_id"], strict=True))
    planted = set(zip(corrupted["agency"], corrupted["source_person_id"], corrupted["field"], strict=True))
    if not planted:
        raise MetricUnavailable("the county has no corrupted identifiers to find")
    caught = len(planted & flagged)
    return [
        Figure(
            "corrupted identifiers flagged (recall)",
            caught / len(planted),
            "share of identifiers the generator corrupted (failing their check digit) stored, "
            "in some version, with valid = false",
            ">= 1",
            f"{caught:,} of {len(planted):,}",
        ),
        Figure(
            "flags that are real corruptions (precision)",
            len(planted & flagged) / len(flagged) if flagged else 0.0,
            "share of identifiers stored with valid = false that the generator corrupted",
            None,
            f"{len(flagged):,} flagged",
        ),
    ]
