"""Peer groups on hand-built incidents and links: who is seen together becomes a group."""

from __future__ import annotations

from datetime import date

from linewatch.places.definition import load_places_definition
from linewatch.places.peers import find_peer_groups
from linewatch.places.records import Association, LinePerson, PlaceInputs
from tests.places.builders import WARWICK, add_child, context, days_ago, incident, world

STREET = (WARWICK[0] + 0.003, WARWICK[1])


def together(inputs: PlaceInputs, reference: str, people: list[str], days: float) -> None:
    for person in people:
        incident(inputs, reference, person, days_ago(days), "High Street, Warwick", "CV34 4HS", STREET,
                 "stop_and_search", "present", "Misuse of Drugs Act s.23 search")  # fmt: skip


def test_children_present_together_at_incidents_form_a_group() -> None:
    inputs = world()
    for child in ("A", "B", "C", "D", "E"):
        add_child(inputs, child)
    together(inputs, "INC-1", ["A", "B", "C"], 30)
    together(inputs, "INC-2", ["A", "B", "C"], 10)
    together(inputs, "INC-3", ["D", "E"], 12)  # a pair is not a group of three
    groups = find_peer_groups(context(inputs), load_places_definition().peers)
    assert len(groups) == 1
    group = groups[0]
    assert sorted(m.subject_id for m in group.members) == ["police:A", "police:B", "police:C"]
    assert group.children == 3 and group.shared_incidents == 2
    assert {e.evidence.source_id for e in group.evidence} == {f"INC-{n}|{p}" for n in (1, 2) for p in "ABC"}


def test_recorded_peer_links_join_the_group_and_lines_and_adults_are_shown() -> None:
    inputs = world()
    for child in ("A", "B"):
        add_child(inputs, child)
    add_child(inputs, "OLDER", born=date(1995, 3, 1))
    together(inputs, "INC-1", ["A", "B"], 30)
    inputs.associations = [
        Association("police", "LNK-1", "OLDER", "older_associate", other_person="A", observed_at=date(2026, 4, 1)),
        Association("police", "LNK-2", "OLDER", "older_associate", other_person="B", observed_at=date(2026, 4, 2)),
    ]
    inputs.line_people = [LinePerson("line-9", "+447700900009", "runner", "police", "B")]
    (group,) = find_peer_groups(context(inputs), load_places_definition().peers)
    assert {m.subject_id for m in group.members} == {"police:A", "police:B", "police:OLDER"}
    assert group.adults == 1 and group.children == 2
    assert group.lines == ["line-9"]
    assert group.by_kind == {"association": 2, "incident": 1}


def test_without_shared_occasions_there_are_no_groups() -> None:
    inputs = world()
    for child in ("A", "B", "C"):
        add_child(inputs, child)
        together(inputs, f"INC-{child}", [child], 5)
    assert find_peer_groups(context(inputs), load_places_definition().peers) == []
