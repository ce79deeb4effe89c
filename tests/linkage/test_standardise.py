"""Standardisation: what linkage compares after cleaning agency spellings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linewatch.linkage.nicknames import name_forms
from linewatch.linkage.phonetic import nysiis
from linewatch.linkage.standardise import evidence_present, standardise
from linewatch.linkage.text import clean_name
from tests.linkage.helpers import person, standard_table


def test_names_are_casefolded_and_punctuation_dropped() -> None:
    assert clean_name("O'Connor-SMITH ") == "oconnor smith"
    assert clean_name("Zoë") == "zoe"


def test_nicknames_share_a_form_but_samuel_and_samantha_do_not() -> None:
    assert "william" in set(name_forms("liam")) & set(name_forms("billy"))
    assert "freddie" in name_forms("freddy") and "frederick" in name_forms("freddy")
    assert not set(name_forms("samuel")) & set(name_forms("samantha"))


def test_names_said_alike_share_a_phonetic_code() -> None:
    assert nysiis("Kacey") == nysiis("Kacie")
    assert nysiis("Mohammed") == nysiis("Muhammad")
    assert nysiis("Smith") != nysiis("Jones")


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12))
def test_nysiis_agrees_with_jellyfish(name: str) -> None:
    jellyfish = pytest.importorskip("jellyfish")
    assert nysiis(name) == jellyfish.nysiis(name)


def test_standardised_record_keeps_only_valid_identifiers_and_iso_dates() -> None:
    table = standard_table(
        [
            person("1", "police", given_name="Liam James", surname="O'CONNOR", dob="04/07/2009", sex="M",
                   nhs_number="9434765919", pnc_id="09/1234567X", pnc_id_valid=False),
            person("2", "health", given_name="William", surname="Oconnor", dob="2009-07-04", sex="male",
                   postcode="CV32 4AA", postcode_history=["CV1 1AA"]),
        ]
    )  # fmt: skip
    rows = {row["record_id"]: row for row in standardise(table).to_pylist()}
    police, health = rows["police:1"], rows["health:2"]
    assert police["given_name"] == "liam" and police["middle_first"] == "james"
    assert police["surname"] == health["surname"] == "oconnor"
    assert police["dob"] == health["dob"] == "2009-07-04"
    assert police["sex"] == health["sex"] == "male"
    assert police["nhs_number"] == "9434765919"
    assert police["pnc_id"] is None  # given but invalid: never evidence
    assert "william" in police["given_forms"] and "william" in health["given_forms"]
    assert sorted(health["postcode_history"]) == ["CV1 1AA", "CV32 4AA"]


def test_evidence_present_names_only_columns_with_values() -> None:
    table = standard_table([person("1", "a", surname="Smith", dob="2010-01-01"), person("2", "a", surname="Jones")])
    assert evidence_present(standardise(table)) == ["surname", "dob"]
