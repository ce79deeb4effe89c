"""`linewatch link` on the store: subjects, exact identifiers, review decisions, stable ids and
incremental runs. Inputs are small (under the training minimum), so every run uses the shipped
prior model and runs of the same records are comparable."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from linewatch.linkage.people import LinkOptions
from linewatch.linkage.practice_data import practice_people
from linewatch.linkage.review import decide, list_reviews
from linewatch.linkage.store_run import link_store
from linewatch.settings import load_settings
from linewatch.store.engine import make_engine
from linewatch.store.tables_linkage import resolved_entity, subject_member
from tests.conftest import Store
from tests.linkage.helpers import ensure_linkage_tables, load_people, person, practice_rows


@pytest.fixture
def linkage_store(store: Store) -> Iterator[Store]:
    ensure_linkage_tables(store.engine)
    yield store


def subjects(store: Store) -> dict[str, str]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(subject_member.c.agency, subject_member.c.source_id, subject_member.c.subject_id)
        )
        return {f"{agency}:{source_id}": subject for agency, source_id, subject in rows}


def partition(subject_of: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for record, subject in subject_of.items():
        groups.setdefault(subject, set()).add(record)
    return {frozenset(members) for members in groups.values()}


LIAM = {"given_name": "Liam", "surname": "O'Connor", "dob": "2009-07-04", "sex": "male", "postcode": "CV32 4AA"}


def test_the_same_child_in_three_agencies_becomes_one_subject(linkage_store: Store) -> None:
    load_people(linkage_store.engine, [
        person("N1", "police", **{**LIAM, "surname": "O'CONNOR"}),
        person("PUP1", "education", **{**LIAM, "given_name": "William", "upn": "A823199912345"}),
        person("H1", "health", **{**LIAM, "given_name": "William", "middle_names": "J"}),
        person("H2", "health", given_name="Amira", surname="Khan", dob="2011-02-03", sex="female", postcode="CV1 2BB"),
    ])  # fmt: skip
    link_store(linkage_store.settings, linkage_store.engine)
    subject_of = subjects(linkage_store)
    assert subject_of["police:N1"] == subject_of["education:PUP1"] == subject_of["health:H1"]
    assert subject_of["health:H2"] != subject_of["police:N1"]


def test_a_shared_valid_nhs_number_links_records_whatever_else_differs(linkage_store: Store) -> None:
    load_people(linkage_store.engine, [
        person("H1", "health", given_name="Tyler", surname="Brooks", dob="2010-03-01", nhs_number="9434765919"),
        person("S1", "social_care", given_name="Kai", surname="Morgan-Lee", dob="2008-11-30", nhs_number="9434765919"),
    ])  # fmt: skip
    link_store(linkage_store.settings, linkage_store.engine)
    subject_of = subjects(linkage_store)
    assert subject_of["health:H1"] == subject_of["social_care:S1"]


def test_different_valid_nhs_numbers_keep_look_alikes_apart(linkage_store: Store) -> None:
    twin = {"surname": "Okafor", "dob": "2012-05-05", "sex": "female", "postcode": "CV6 1AB", "given_name": "Grace"}
    load_people(linkage_store.engine, [
        person("H1", "health", **twin, nhs_number="9434765919"),
        person("H2", "health", **twin, nhs_number="9434765870"),
    ])  # fmt: skip
    link_store(linkage_store.settings, linkage_store.engine)
    subject_of = subjects(linkage_store)
    assert subject_of["health:H1"] != subject_of["health:H2"]


INVALID_NHS: dict[str, object] = {"nhs_number": "1234567890", "nhs_number_valid": False}


def test_an_invalid_identifier_is_not_evidence(linkage_store: Store) -> None:
    load_people(linkage_store.engine, [
        person("H1", "health", given_name="Tyler", surname="Brooks", dob="2010-03-01", **INVALID_NHS),
        person("S1", "social_care", given_name="Kai", surname="Morgan", dob="2008-11-30", **INVALID_NHS),
    ])  # fmt: skip
    link_store(linkage_store.settings, linkage_store.engine)
    subject_of = subjects(linkage_store)
    assert subject_of["health:H1"] != subject_of["social_care:S1"]


def uncertain_pair() -> list[dict[str, object]]:
    # Same names and postcode, birth dates a decade apart: the model is unsure.
    return [
        person("P1", "police", given_name="Noah", surname="King", dob="2009-04-12", sex="male", postcode="CV31 5NL"),
        person("H1", "health", given_name="Noah", surname="King", dob="2013-10-06", sex="male", postcode="CV31 5NL"),
    ]


def test_review_decisions_are_honoured_by_later_runs(linkage_store: Store) -> None:
    load_people(linkage_store.engine, uncertain_pair())
    link_store(linkage_store.settings, linkage_store.engine, options=_wide_review())
    [item] = list_reviews(linkage_store.engine)
    assert {item.left["source_id"], item.right["source_id"]} == {"P1", "H1"}
    assert item.reasons.startswith("Prior")

    decide(linkage_store.engine, item.id, accept=True, by="mash.worker")
    link_store(linkage_store.settings, linkage_store.engine, options=_wide_review())
    subject_of = subjects(linkage_store)
    assert subject_of["police:P1"] == subject_of["health:H1"]
    assert list_reviews(linkage_store.engine) == []

    decide(linkage_store.engine, item.id, accept=False, by="mash.worker", note="different boys, same family")
    link_store(linkage_store.settings, linkage_store.engine, options=_wide_review())
    subject_of = subjects(linkage_store)
    assert subject_of["police:P1"] != subject_of["health:H1"]


def _wide_review() -> LinkOptions:
    # A threshold high enough that the pair is uncertain whatever the prior model says of it.
    return LinkOptions(threshold=0.999999, review_from=0.0001)


def practice_halves() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    rows = practice_rows(practice_people(60, seed=4).records)
    first = [row for row in rows if row["agency"] in {"education", "health"}]
    second = [row for row in rows if row["agency"] not in {"education", "health"}]
    return first, second


def test_subject_ids_are_stable_across_runs(linkage_store: Store) -> None:
    first, _ = practice_halves()
    load_people(linkage_store.engine, first)
    link_store(linkage_store.settings, linkage_store.engine)
    before = subjects(linkage_store)
    link_store(linkage_store.settings, linkage_store.engine)
    assert subjects(linkage_store) == before


@pytest.fixture
def second_store(tmp_path: Path, sqlite_template: Path) -> Iterator[Store]:
    """Another SQLite store beside the test's first one."""
    workspace = tmp_path / "second"
    workspace.mkdir()
    shutil.copy(sqlite_template, workspace / "linewatch.db")
    settings = load_settings(workspace, f"sqlite:///{workspace / 'linewatch.db'}")
    engine = make_engine(settings.database_url)
    ensure_linkage_tables(engine)
    yield Store(settings, engine)
    engine.dispose()


def test_incremental_equals_full_on_the_same_data(linkage_store: Store, second_store: Store) -> None:
    first, second = practice_halves()
    store = linkage_store
    load_people(store.engine, first)
    link_store(store.settings, store.engine)
    before = subjects(store)
    load_people(store.engine, second)
    run = link_store(store.settings, store.engine, incremental=True)
    assert run.kind == "incremental" and run.records_scored == len(second)

    load_people(second_store.engine, first + second)
    link_store(second_store.settings, second_store.engine)
    assert partition(subjects(store)) == partition(subjects(second_store))
    # Records linked before keep their subject id unless their subject merged into another.
    after = subjects(store)
    kept = sum(1 for record, subject in before.items() if after[record] == subject)
    assert kept / len(before) > 0.95


def test_addresses_phones_and_vehicles_resolve_to_one_entity_each(linkage_store: Store) -> None:
    load_people(linkage_store.engine, [
        person("P1", "police", given_name="Ava", surname="Hall", uprn="100023336956", phone="+447911123456"),
        person("H1", "housing", given_name="Ava", surname="Hall", uprn="100023336956", phone="+447911123456"),
        person("E1", "education", given_name="Ben", surname="Hall", address="12 High St.", postcode="CV1 1AA"),
        person("E2", "education", given_name="Cal", surname="Hall", address="12 high street", postcode="CV1 1AA"),
    ])  # fmt: skip
    link_store(linkage_store.settings, linkage_store.engine)
    with linkage_store.engine.connect() as connection:
        entities = {(row.kind, row.key): row.members for row in connection.execute(select(resolved_entity))}
    assert entities[("address", "UPRN:100023336956")] == 2
    assert entities[("phone", "PHONE:+447911123456")] == 2
    # Address text without a UPRN: abbreviations written out, punctuation dropped.
    assert entities[("address", "ADDR:12 high street|CV1 1AA")] == 2
