"""Who is who around a line: customers (on the flare list), the controller (talks to the line
phone from the hub) and runners (in the market towns, in contact with the line or controller).

Pure functions over a line's contacts and each number's usual town (geography.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    line = "line"
    controller = "controller"
    runner = "runner"
    customer = "customer"


@dataclass(frozen=True, slots=True)
class Contact:
    """A number in contact with one of the line's numbers, over the whole period."""

    number: int
    flare_texts: int  # texts received from the line in its flare bursts
    events: int  # calls and texts with the line, both directions
    days: int  # days in contact (at least 1)
    texts_from_line: int = 0  # every text the line sent it, flares or not


@dataclass(frozen=True, slots=True)
class Member:
    line_id: str
    number: int
    role: Role
    town: str | None
    events: int
    reason: str


@dataclass(frozen=True, slots=True)
class RoleRules:
    min_flare_texts: int = 2  # a customer received at least this many flare texts,
    min_flare_share: float = 0.5  # making up at least this share of the texts the line sent it
    min_gang_events: int = 5  # a controller or runner exchanged at least this many events
    min_gang_days: int = 2  # on at least this many days


def assign_roles(
    line_id: str,
    line_numbers: list[int],
    contacts: list[Contact],
    controller_contacts: dict[int, list[Contact]],
    towns: dict[int, str],
    origin: str | None,
    rules: RoleRules | None = None,
) -> list[Member]:
    """Members of one line. `controller_contacts` gives, for numbers that may be controllers,
    their own contacts, so runners reached only through the controller are found too."""
    rules = rules or RoleRules()
    members = [Member(line_id, n, Role.line, towns.get(n), 0, "scored as a line number") for n in line_numbers]
    taken = set(line_numbers)
    controllers: list[int] = []
    for contact in sorted(contacts, key=lambda c: (-c.events, c.number)):
        if contact.number in taken:
            continue
        town = towns.get(contact.number)
        if contact.flare_texts >= max(rules.min_flare_texts, rules.min_flare_share * contact.texts_from_line):
            members.append(
                Member(
                    line_id,
                    contact.number,
                    Role.customer,
                    town,
                    contact.events,
                    f"received {contact.flare_texts} flare texts",
                )
            )
        elif contact.events >= rules.min_gang_events and contact.days >= rules.min_gang_days:
            if origin is not None and town == origin:
                members.append(
                    Member(
                        line_id,
                        contact.number,
                        Role.controller,
                        town,
                        contact.events,
                        f"{contact.events} calls/texts with the line phone, not on the flare list, based in {town}",
                    )
                )
                controllers.append(contact.number)
            else:
                members.append(
                    Member(
                        line_id,
                        contact.number,
                        Role.runner,
                        town,
                        contact.events,
                        f"{contact.events} calls/texts with the line phone, not on the flare list, active in {town}",
                    )
                )
        else:
            continue
        taken.add(contact.number)
    market = {m.town for m in members if m.role is Role.customer and m.town}
    for controller in controllers:
        for contact in sorted(controller_contacts.get(controller, []), key=lambda c: (-c.events, c.number)):
            town = towns.get(contact.number)
            if contact.number in taken or town not in market or town == origin:
                continue
            if contact.events >= rules.min_gang_events and contact.days >= rules.min_gang_days:
                members.append(
                    Member(
                        line_id,
                        contact.number,
                        Role.runner,
                        town,
                        contact.events,
                        f"{contact.events} calls/texts with the controller, active in {town}",
                    )
                )
                taken.add(contact.number)
    return members
