"""Who a subject is for screening when agencies disagree, and who is in scope (8 to 25)."""

from __future__ import annotations

from datetime import date

from linewatch.screening.compute import compute
from linewatch.screening.definitions import load_indicators
from tests.conftest import Store
from tests.screening.builders import County

AS_AT = date(2026, 9, 1)


def test_the_value_most_records_hold_wins_and_a_tie_goes_to_the_first_agency(sqlite_store: Store) -> None:
    county = County()
    county.child("MAJORITY", postcode=None)
    county.person("MAJORITY", "education", date_of_birth=date(2010, 5, 1), sex="female", ethnicity=None)
    county.person(
        "MAJORITY",
        "health",
        date_of_birth=date(2010, 5, 1),
        sex="female",
        ethnicity="asian_indian",
        postcode="CV34 1AA",
    )
    county.person(
        "MAJORITY", "police", date_of_birth=date(2010, 1, 5), sex="unknown", ethnicity="not_stated", postcode="CV1 1AA"
    )
    county.child("TIE", postcode=None)
    county.person("TIE", "police", date_of_birth=date(2011, 2, 3), sex="male")
    county.person("TIE", "education", date_of_birth=date(2011, 3, 2), sex="male")
    county.write(sqlite_store.engine, sqlite_store.settings)
    results = compute(sqlite_store.settings, sqlite_store.engine, load_indicators(), AS_AT).by_subject()
    majority = results["MAJORITY"]
    assert (majority.age, majority.sex, majority.ethnicity) == (16, "female", "asian_indian")
    assert (majority.area, majority.local_authority) == (
        "Warwick",
        "Warwickshire",
    )  # the tie between postcodes goes to health
    assert results["TIE"].age == 15  # education's 2011-03-02, not police's 2011-02-03


def test_a_pupil_without_a_postcode_gets_the_local_authority_of_their_upn(sqlite_store: Store) -> None:
    county = County()
    county.child("PUPIL", postcode=None, upn="A937200012345")
    county.person("PUPIL", "education")
    county.write(sqlite_store.engine, sqlite_store.settings)
    result = compute(sqlite_store.settings, sqlite_store.engine, load_indicators(), AS_AT).by_subject()["PUPIL"]
    assert (result.area, result.local_authority) == ("unknown", "Warwickshire")


def test_children_and_young_adults_from_8_to_25_are_in_scope(sqlite_store: Store) -> None:
    county = County()
    births = {
        "AGE7": date(2019, 1, 1),
        "AGE8": date(2018, 9, 1),
        "AGE25": date(2000, 9, 2),
        "AGE26": date(2000, 9, 1),
        "NO_DOB": None,
    }
    for sid, born in births.items():
        county.child(sid, dob=born)
        county.person(sid, "police")
    county.write(sqlite_store.engine, sqlite_store.settings)
    results = compute(sqlite_store.settings, sqlite_store.engine, load_indicators(), AS_AT).by_subject()
    assert sorted(results) == ["AGE25", "AGE8", "NO_DOB"]
    assert (results["AGE8"].age_band, results["AGE25"].age_band) == ("8-11", "22-25")
    assert (results["NO_DOB"].age, results["NO_DOB"].age_band) == (None, "unknown")
