"""Innocent numbers that share features with deal lines, and the ordinary background."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from county_fixture import small_county

from linewatch.synth.comms import generate_comms


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate_comms(small_county(), out)
    return out


@pytest.fixture(scope="module")
def records(county: Path) -> pd.DataFrame:
    return pd.read_parquet(county / "comms" / "calls")


@pytest.fixture(scope="module")
def roles(county: Path) -> pd.DataFrame:
    frame = pd.read_csv(county / "truth" / "comms_roles.csv", dtype=str, keep_default_na=False)
    frame["digits"] = frame.number.str.lstrip("+")
    return frame


def numbers_of(roles: pd.DataFrame, kind: str) -> list[str]:
    return roles[roles.kind == kind].digits.tolist()


def test_every_look_alike_kind_is_present(roles: pd.DataFrame) -> None:
    kinds = set(roles.kind)
    assert {"taxi", "takeaway", "marketing", "reminders", "promoter", "group_chat"} <= kinds
    assert "large_contact_list" in kinds


def test_taxi_firms_take_many_short_calls_from_distinct_callers_and_text_back(
    records: pd.DataFrame, roles: pd.DataFrame
) -> None:
    callers = []
    for taxi in numbers_of(roles, "taxi"):
        inbound = records[(records.b_number == taxi) & (records.event_type == "VOICE")]
        callers.append(inbound.a_number.nunique())
        assert inbound.duration_s.between(15, 90).all()
        outbound = records[records.a_number == taxi]
        assert (outbound.event_type == "SMS").all()
        assert set(outbound.b_number) <= set(inbound.a_number)
        assert records[records.a_number == taxi].cell_id.nunique() == 1  # the firm's office
    # Even in this small county the firm in the biggest town hears from a dozen people or more.
    assert max(callers) >= 12


def test_bulk_senders_text_many_distinct_recipients_and_take_no_calls(
    records: pd.DataFrame, roles: pd.DataFrame
) -> None:
    for sender in numbers_of(roles, "marketing"):
        sent = records[records.a_number == sender]
        assert (sent.event_type == "SMS").all()
        assert sent.b_number.nunique() >= 20
        inbound = records[records.b_number == sender]
        assert (inbound.event_type == "SMS").all()
        assert len(inbound) <= 0.05 * len(sent)


def test_promoters_send_flare_like_blasts_to_a_local_list(records: pd.DataFrame, roles: pd.DataFrame) -> None:
    promoters = numbers_of(roles, "promoter")
    assert promoters
    for promoter in promoters:
        texts = records[(records.a_number == promoter) & (records.event_type == "SMS")]
        texts = texts.sort_values("start_time")
        blast = (texts.start_time.diff() > pd.Timedelta(minutes=10)).cumsum()
        assert texts.groupby(blast).b_number.nunique().max() >= 10


def test_group_chats_reach_every_member_in_the_same_few_seconds(records: pd.DataFrame, roles: pd.DataFrame) -> None:
    members = set(numbers_of(roles, "group_chat"))
    texts = records[records.a_number.isin(members) & records.b_number.isin(members)]
    texts = texts[texts.event_type == "SMS"]
    fan_out = texts.groupby(["a_number", texts.start_time.dt.floor("10s")]).b_number.nunique()
    assert (fan_out >= 3).sum() >= 20


def test_ordinary_phones_sleep_at_night_and_peak_in_the_evening(records: pd.DataFrame, roles: pd.DataFrame) -> None:
    ordinary = roles.groupby("digits").role.agg(set)
    background = ordinary[ordinary.apply(lambda r: r == {"background"})].index
    own = records[records.a_number.isin(background)]
    hours = own.start_time.dt.tz_convert("Europe/London").dt.hour
    by_hour = hours.value_counts(normalize=True).sort_index()
    assert by_hour.loc[2:5].sum() < 0.03
    assert by_hour.loc[17:21].sum() > 0.3


def test_ordinary_texts_get_replies(records: pd.DataFrame, roles: pd.DataFrame) -> None:
    people = set(roles[roles.role == "background"].digits)
    texts = records[records.a_number.isin(people) & records.b_number.isin(people) & (records.event_type == "SMS")]
    pairs = set(zip(texts.a_number, texts.b_number, strict=True))
    answered = sum((b, a) in pairs for a, b in pairs)
    assert answered / len(pairs) > 0.5


def test_some_ordinary_phones_change_handset(records: pd.DataFrame, roles: pd.DataFrame) -> None:
    people = set(roles[(roles.role == "background")].digits)
    handsets = records[records.a_number.isin(people)].groupby("a_number").imei.nunique()
    assert (handsets > 1).sum() >= 1
