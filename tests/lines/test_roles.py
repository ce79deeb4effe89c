"""Roles and geography: customers are on the flare list; the controller talks to the line phone
from the hub; runners work the market town, with the line or the controller."""

from __future__ import annotations

from collections import Counter

from linewatch.lines.geography import LineGeography, line_geography, usual_towns
from linewatch.lines.roles import Contact, Role, assign_roles

LINE, CONTROLLER, RUNNER, HIDDEN_RUNNER, CUSTOMER = 1, 2, 3, 4, 5
TOWNS = {
    LINE: "Coventry",
    CONTROLLER: "Coventry",
    RUNNER: "Leamington Spa",
    HIDDEN_RUNNER: "Leamington Spa",
    CUSTOMER: "Leamington Spa",
}


def roles() -> dict[int, Role]:
    contacts = [
        Contact(CUSTOMER, flare_texts=40, events=60, days=20, texts_from_line=42),
        Contact(CONTROLLER, flare_texts=0, events=120, days=25, texts_from_line=30),
        Contact(RUNNER, flare_texts=1, events=80, days=15, texts_from_line=60),
    ]
    via_controller = {CONTROLLER: [Contact(HIDDEN_RUNNER, 0, 30, 10)]}
    members = assign_roles("line-1", [LINE], contacts, via_controller, TOWNS, origin="Coventry")
    return {m.number: m.role for m in members}


def test_flare_recipient_is_a_customer() -> None:
    assert roles()[CUSTOMER] is Role.customer


def test_gang_phone_in_the_hub_is_the_controller() -> None:
    assert roles()[CONTROLLER] is Role.controller


def test_gang_phone_in_the_market_town_is_a_runner_even_if_a_dispatch_text_fell_in_a_flare() -> None:
    assert roles()[RUNNER] is Role.runner


def test_runner_reached_only_through_the_controller_is_found() -> None:
    assert roles()[HIDDEN_RUNNER] is Role.runner


def test_geography_reads_origin_from_the_line_phone_and_market_from_customers() -> None:
    cells = {LINE: Counter({"Coventry": 50, "Leamington Spa": 2})}
    towns = {10: "Leamington Spa", 11: "Leamington Spa", 12: "Warwick", 13: "Rugby"}
    place = line_geography([LINE], [10, 11, 12, 13], cells, towns, min_share=0.25)
    assert place == LineGeography("Coventry", ("Leamington Spa", "Rugby", "Warwick"))
    assert place.describe() == "a line from Coventry into Leamington Spa, Rugby and Warwick"


def test_usual_town_is_the_most_used_and_ties_do_not_depend_on_order() -> None:
    rows = [(1, "Rugby", 5), (1, "Coventry", 5), (2, "Warwick", 1)]
    assert usual_towns(rows) == usual_towns(list(reversed(rows))) == {1: "Coventry", 2: "Warwick"}
