"""comms/subscribers.csv: what the networks hold about who registered each number.

Population phones take their name and address from `spec.extra["subscribers"]` when the
population generator supplies them ({"+44...": {"name": ..., "address": ...}}), so that
subscriber checks can link numbers to people; otherwise a plausible name is made up. Deal
lines, work phones and controllers' phones are pay-as-you-go, mostly unregistered or in false
names. Rows are sorted by number so that file order reveals nothing about roles.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from linewatch.synth.comms.clock import Profile
from linewatch.synth.comms.errors import CommsSpecError
from linewatch.synth.comms.phonebook import Phonebook, Subscriber

FORENAMES = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Sophie", "Chloe", "Aisha", "Zara",
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Jacob", "Callum", "Mohammed", "Kyle",
    "Sarah", "Karen", "Lisa", "Michelle", "Joanne", "David", "Paul", "Mark", "Andrew", "Gary",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Khan", "Clarke", "Lewis", "Hughes", "Edwards", "Begum", "Murphy", "Kaur", "Ali", "Wood",
)  # fmt: skip
STREETS = ("Station Road", "Church Lane", "Park Avenue", "Victoria Street", "Mill Lane", "Grove")
NETWORKS = ("EE", "O2", "Vodafone", "Three", "giffgaff", "Tesco Mobile", "Lebara", "Lycamobile")
NETWORK_SHARES = (0.28, 0.22, 0.18, 0.12, 0.07, 0.06, 0.04, 0.03)


def given_details(extra: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    """Names and addresses the population generator passed in spec.extra["subscribers"]."""
    raw = extra.get("subscribers")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise CommsSpecError(
            'extra["subscribers"]: expected a mapping of E.164 number to '
            '{"name": ..., "address": ...}, got ' + type(raw).__name__
        )
    details: dict[str, tuple[str, str]] = {}
    for number, entry in raw.items():
        if not isinstance(entry, Mapping):
            raise CommsSpecError(f'extra["subscribers"][{number!r}]: expected a mapping')
        details[str(number)] = (str(entry.get("name", "")), str(entry.get("address", "")))
    return details


def write_subscribers(
    path: Path,
    phonebook: Phonebook,
    rng: np.random.Generator,
    town_names: list[str],
    start: date,
    given: dict[str, tuple[str, str]],
) -> None:
    """Write one row per number. Ordinary people are on contract or pay-as-you-go (young people
    more often pay-as-you-go), and a pay-as-you-go name is often missing or made up."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = phonebook.size
    # Drawn for every phone at once (used only for those without a subscriber yet) so the
    # cost stays a few vector draws however large the county.
    payg = rng.random(n) < np.where(phonebook.profile == Profile.late, 0.55, 0.3)
    blanking = rng.random(n)
    forename = rng.integers(0, len(FORENAMES), size=(n, 2))
    surname = rng.integers(0, len(SURNAMES), size=(n, 2))
    house = rng.integers(1, 200, size=n)
    street = rng.integers(0, len(STREETS), size=n)
    network = rng.choice(len(NETWORKS), size=n, p=NETWORK_SHARES)
    age_days = rng.integers(30, 3650, size=n)
    rows: list[tuple[str, str, str, str, str, str]] = []
    for phone, digits in enumerate(phonebook.digits):
        subscriber = phonebook.subscribers.get(phone)
        if subscriber is None:
            name, address = given.get("+" + digits) or (
                f"{FORENAMES[forename[phone, 0]]} {SURNAMES[surname[phone, 0]]}",
                f"{house[phone]} {STREETS[street[phone]]}, {town_names[phonebook.town[phone]]}",
            )
            if payg[phone] and blanking[phone] < 0.35:
                name, address = "", ""
            elif payg[phone] and blanking[phone] < 0.45:
                name = f"{FORENAMES[forename[phone, 1]]} {SURNAMES[surname[phone, 1]]}"
                address = ""
            subscriber = Subscriber(
                name,
                address,
                start - timedelta(days=int(age_days[phone])),
                bool(payg[phone]),
                NETWORKS[network[phone]],
            )
        rows.append(
            (
                digits,
                subscriber.name,
                subscriber.address,
                subscriber.registered.isoformat(),
                "Y" if subscriber.pay_as_you_go else "N",
                subscriber.network,
            )
        )
    rows.sort()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["number", "subscriber_name", "address", "registered", "pay_as_you_go", "network"])
        writer.writerows(rows)
