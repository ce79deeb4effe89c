"""Deal lines in the generated call records: flares, line continuity, closure, runners."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from county_fixture import (
    BANDO,
    BANDO_OWN_PHONE_RUNNER,
    BANDO_WORK_RUNNER,
    HUB,
    JAY,
    JAY_CLOSED_ON,
    START,
    small_county,
)

from linewatch.synth.comms import generate_comms


def digits(e164: str) -> str:
    return e164.lstrip("+")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate_comms(small_county(), out)
    return out


@pytest.fixture(scope="module")
def records(county: Path) -> pd.DataFrame:
    frame = pd.read_parquet(county / "comms" / "calls")
    frame["local_day"] = frame["start_time"].dt.tz_convert("Europe/London").dt.date
    return frame


@pytest.fixture(scope="module")
def customers(county: Path) -> pd.DataFrame:
    return pd.read_csv(county / "truth" / "comms_customers.csv", dtype=str, keep_default_na=False)


def flare_bursts(records: pd.DataFrame, number: str) -> pd.DataFrame:
    """Texts from a line number grouped into bursts: a gap of over 10 minutes starts a new one."""
    texts = records[(records.a_number == digits(number)) & (records.event_type == "SMS")]
    texts = texts.sort_values("start_time")
    burst = (texts.start_time.diff() > pd.Timedelta(minutes=10)).cumsum()
    return texts.groupby(burst).agg(day=("local_day", "first"), reached=("b_number", "nunique")).reset_index(drop=True)


def buying_on(customers: pd.DataFrame, line_id: str, day: date) -> int:
    line = customers[customers.line_id == line_id]
    joined = line.joined <= day.isoformat()
    still = (line.left == "") | (line.left > day.isoformat())
    return int((joined & still).sum())


def test_flare_bursts_reach_most_of_the_customers_buying_that_day(
    records: pd.DataFrame, customers: pd.DataFrame
) -> None:
    for line in (BANDO, JAY):
        for period in line.numbers:
            bursts = flare_bursts(records, period.number)
            flares = bursts[bursts.reached >= 10]
            assert len(flares) > 0, period.number
            per_day = flares.groupby("day").size()
            assert per_day.mean() >= 2.5, f"{period.number}: {per_day.mean():.1f} flares a day"
            share = flares.reached / [buying_on(customers, line.line_id, d) for d in flares.day]
            assert 0.55 <= share.median() <= 0.95, f"{period.number}: median reach {share.median()}"


def test_customers_order_by_short_calls_in_the_afternoon_and_evening(
    records: pd.DataFrame,
) -> None:
    line_numbers = {digits(p.number) for p in BANDO.numbers}
    inbound_calls = records[records.b_number.isin(line_numbers) & (records.event_type == "VOICE")]
    from_customers = inbound_calls[inbound_calls.a_number.isin(map(digits, BANDO.customer_phones))]
    assert len(from_customers) > 50
    assert from_customers.duration_s.between(10, 60).all()
    hours = from_customers.start_time.dt.tz_convert("Europe/London").dt.hour
    assert hours.between(12, 23).mean() > 0.7


def test_new_number_reaches_the_same_customers_and_the_old_one_falls_silent(
    records: pd.DataFrame,
) -> None:
    for old, new in zip(BANDO.numbers, BANDO.numbers[1:], strict=False):
        assert old.end is not None
        uses_old = (records.a_number == digits(old.number)) | (records.b_number == digits(old.number))
        assert (records[uses_old].local_day <= old.end).all(), "old number used after its end"

        last_week = records[
            (records.a_number == digits(old.number)) & (records.local_day > old.end - timedelta(days=7))
        ]
        new_texts = records[(records.a_number == digits(new.number)) & (records.event_type == "SMS")]
        first_seen = new_texts.local_day.min()
        assert first_seen <= new.start + timedelta(days=2), "new number starts within two days"
        first_days = new_texts[new_texts.local_day <= first_seen + timedelta(days=1)]
        new_reach = set(first_days.b_number)
        old_reach = set(last_week.b_number)
        assert len(new_reach) >= 15
        assert len(new_reach & old_reach) / len(new_reach) >= 0.8


def test_a_new_sim_in_the_same_handset_keeps_the_imei(records: pd.DataFrame) -> None:
    same_handset = BANDO.numbers[2]
    assert same_handset.imei == BANDO.numbers[1].imei
    from_it = records[records.a_number == digits(same_handset.number)]
    assert set(from_it.imei) == {same_handset.imei}


def test_a_closed_line_stops_for_good(records: pd.DataFrame) -> None:
    jay = digits(JAY.numbers[0].number)
    work_runner = digits(JAY.runners[0].phone)
    for number in (jay, work_runner):
        uses = (records.a_number == number) | (records.b_number == number)
        assert uses.sum() > 100
        assert (records[uses].local_day < JAY_CLOSED_ON).all(), number


def test_line_phone_talks_to_its_controller_from_the_hub(records: pd.DataFrame, county: Path) -> None:
    cells = pd.read_csv(county / "comms" / "cell_sites.csv")
    hub_cells = set(cells[cells.town == HUB].cell_id)
    line_numbers = {digits(p.number) for p in BANDO.numbers}
    controller = digits(BANDO.controller_phones[0])
    between = records[
        (records.a_number.isin(line_numbers) & (records.b_number == controller))
        | ((records.a_number == controller) & records.b_number.isin(line_numbers))
    ]
    assert len(between) >= 3 * 28
    assert between.cell_id.isin(hub_cells).all()


def test_runner_phones_use_market_town_cells_on_deployed_days(records: pd.DataFrame, county: Path) -> None:
    cells = pd.read_csv(county / "comms" / "cell_sites.csv").set_index("cell_id").town
    runner_days = pd.read_csv(county / "truth" / "comms_runner_days.csv", dtype=str)
    for runner in (BANDO_WORK_RUNNER, BANDO_OWN_PHONE_RUNNER):
        own = records[records.a_number == digits(runner.phone)]
        days = runner_days[(runner_days.number == runner.phone)]
        assert len(days) > 5
        plain_days = {date.fromisoformat(d) for d in days[days.trip_town.isna()].date}
        on_plain_days = own[own.local_day.isin(plain_days)]
        assert len(on_plain_days) > 20
        assert (on_plain_days.cell_id.map(cells) == runner.town).all()
        deployed = {date.fromisoformat(d) for d in days.date}
        assert (own[own.local_day.isin(deployed)].cell_id.map(cells) == runner.town).mean() > 0.8

    # The work phone exists only while the runner is active; the own phone is used before.
    work = records[records.a_number == digits(BANDO_WORK_RUNNER.phone)]
    assert work.local_day.min() >= BANDO_WORK_RUNNER.active_from
    assert work.local_day.max() <= BANDO_WORK_RUNNER.active_to
    own_phone = records[records.a_number == digits(BANDO_OWN_PHONE_RUNNER.phone)]
    before = own_phone[own_phone.local_day < BANDO_OWN_PHONE_RUNNER.active_from]
    assert len(before) > 10
    assert (before.cell_id.map(cells) == HUB).all()
    assert BANDO_OWN_PHONE_RUNNER.active_from > START


def test_runner_phones_are_in_contact_with_the_line_and_controller(
    records: pd.DataFrame,
) -> None:
    runner = digits(BANDO_WORK_RUNNER.phone)
    gang = {digits(p.number) for p in BANDO.numbers} | {digits(BANDO.controller_phones[0])}
    contacts = set(records[records.a_number == runner].b_number) | set(records[records.b_number == runner].a_number)
    assert gang <= contacts | {digits(BANDO.numbers[0].number)}
    assert len(contacts & set(map(digits, BANDO.customer_phones))) >= 5
