"""Each kind of noise occurs at about its documented rate, and corrupted identifiers really
fail their checks (ingest keeps and flags them)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.identifiers import check_nhs_number, check_pnc_id, check_upn, make_imei
from linewatch.synth import CountySummary
from linewatch.synth.noise import NOISE_RATES, typo
from linewatch.synth.population import imeis_with_check_digit


def _truth(county: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(county / "truth" / name, dtype=str, keep_default_na=False)


def test_unconditional_noise_occurs_near_its_rate(small_county: tuple[Path, CountySummary]) -> None:
    county, _ = small_county
    noise = _truth(county, "noise.csv")
    records = _truth(county, "person_records.csv").drop_duplicates(["agency", "source_person_id"])
    for kind in ("name_typo", "surname_change"):
        expected = NOISE_RATES[kind]["default"] * len(records)
        observed = (noise["noise"] == kind).sum()
        assert 0.5 * expected <= observed <= 1.6 * expected, (kind, observed, expected)


def test_conditional_noise_occurs_but_not_above_its_rate(small_county: tuple[Path, CountySummary]) -> None:
    county, _ = small_county
    noise = _truth(county, "noise.csv")
    records = _truth(county, "person_records.csv").drop_duplicates(["agency", "source_person_id"])
    for kind in ("nickname", "swapped_forename_middle", "dob_day_month_swap", "old_address", "missing_identifier"):
        observed = (noise["noise"] == kind).sum()
        assert 0 < observed <= 1.3 * NOISE_RATES[kind]["default"] * len(records), kind


def test_invalid_identifiers_fail_their_check_and_are_written_to_the_feeds(
    small_county: tuple[Path, CountySummary],
) -> None:
    county, _ = small_county
    corrupted = _truth(county, "corrupted_identifiers.csv")
    invalid = corrupted[corrupted["noise"] == "invalid_identifier"]
    assert len(invalid) > 0
    checks = {"nhs_number": check_nhs_number, "upn": check_upn, "pnc_id": check_pnc_id}
    for row in invalid.itertuples():
        assert checks[row.field](row.true_value).valid
        assert not checks[row.field](row.recorded_value).valid
    census = pd.read_csv(county / "feeds" / "education" / "placements.csv", dtype=str, keep_default_na=False)
    bad_upns = set(invalid.loc[invalid["field"] == "upn", "recorded_value"])
    assert bad_upns <= set(census["UPN"])


def test_day_and_month_swaps_keep_the_date_valid(small_county: tuple[Path, CountySummary]) -> None:
    county, _ = small_county
    noise = _truth(county, "noise.csv")
    for row in noise[noise["noise"] == "dob_day_month_swap"].itertuples():
        true, recorded = datetime.fromisoformat(row.true_value), datetime.fromisoformat(row.recorded_value)
        assert (true.day, true.month) == (recorded.month, recorded.day)


def test_a_typo_changes_one_letter_but_never_the_first() -> None:
    rng = np.random.default_rng(0)
    for name in ("Williams", "O'Connor", "Okafor", "Jade"):
        slipped = typo(rng, name)
        assert slipped != name and slipped[0] == name[0] and abs(len(slipped) - len(name)) <= 1


def test_bulk_imeis_match_the_identifier_helper() -> None:
    bodies = np.array([f"35209900{serial:06d}" for serial in range(0, 999_999, 9973)])
    assert list(imeis_with_check_digit(bodies)) == [make_imei(body) for body in bodies]
