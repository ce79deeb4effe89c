"""Look-alike businesses: taxi firms and takeaways.

Like a deal line they take many short inbound calls from many distinct local numbers, peak in
the evening and answer with a text ("Your car is booked", "Order confirmed"). Unlike a line
they never send bulk texts to their whole clientele, have no phones in the hub in contact
with them, and their callers are ordinary people from every part of the social graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from linewatch.synth.comms.cells import Whereabouts
from linewatch.synth.comms.clock import DayClock, Profile
from linewatch.synth.comms.events import EventBatch, calls, concat, texts
from linewatch.synth.comms.numbering import NumberSource
from linewatch.synth.comms.phonebook import Phonebook, PhonebookBuilder, Role, Subscriber
from linewatch.synth.comms.rates import LookalikeRates
from linewatch.synth.comms.social import WeightedNeighbours

TAXI_NAMES = ("A1 Cars", "Station Taxis", "Star Cars", "Town Private Hire", "Castle Cabs")
TAKEAWAY_NAMES = ("Jade Garden", "Mario's Pizza", "Spice Hut", "Chicken Spot", "Golden Fry")


@dataclass(frozen=True, slots=True)
class BusinessKind:
    name: str
    profile: Profile
    phones_per_firm: int
    calls_per_day: tuple[float, float]
    call_seconds: tuple[int, int]
    confirmation_text: float
    follow_up_text: float  # taxi: "your car is outside"
    busy_days: tuple[int, ...]  # weekdays (Mon=0) with more trade
    busy_factor: float


def business_kinds(rates: LookalikeRates) -> tuple[BusinessKind, ...]:
    return (
        BusinessKind(
            "taxi",
            Profile.taxi,
            rates.phones_per_taxi_firm,
            rates.taxi_calls_per_day,
            (15, 90),
            rates.taxi_confirmation_text,
            rates.taxi_outside_text,
            (4, 5),
            1.4,
        ),
        BusinessKind(
            "takeaway",
            Profile.takeaway,
            rates.phones_per_takeaway,
            rates.takeaway_calls_per_day,
            (30, 150),
            rates.takeaway_confirmation_text,
            0.0,
            (4, 5, 6),
            1.5,
        ),
    )


class Businesses:
    """Every taxi firm and takeaway in the county, with its clientele."""

    def __init__(
        self,
        rng: np.random.Generator,
        builder: PhonebookBuilder,
        town_names: Sequence[str],
        phones_per_town: np.ndarray,
        source: NumberSource,
        start: date,
        rates: LookalikeRates,
    ) -> None:
        """Adds the firms' phones to the builder."""
        self.rates = rates
        self.phone: list[int] = []
        self.town: list[int] = []
        self.kind: list[BusinessKind] = []
        self.calls_per_day: list[float] = []
        for town, town_phones in enumerate(phones_per_town.tolist()):
            for kind in business_kinds(rates):
                firms = max(1, round(town_phones / kind.phones_per_firm))
                for firm in range(firms):
                    names = TAXI_NAMES if kind.name == "taxi" else TAKEAWAY_NAMES
                    label = f"{names[firm % len(names)]} {town_names[town]}"
                    phone = builder.add(
                        source.mobile(),
                        town,
                        source.imei(),
                        Role.business,
                        social=False,
                        profile=kind.profile,
                        kind=kind.name,
                    )
                    builder.subscribers[phone] = Subscriber(
                        name=f"{label} Ltd",
                        address=f"{firm + 1} High Street, {town_names[town]}",
                        registered=start - timedelta(days=int(rng.integers(200, 3000))),
                        pay_as_you_go=False,
                        network=("EE", "Vodafone", "O2")[firm % 3],
                    )
                    self.phone.append(phone)
                    self.town.append(town)
                    self.kind.append(kind)
                    # A small town's firm is as busy as its town allows.
                    scale = min(1.0, town_phones / (firms * kind.phones_per_firm))
                    self.calls_per_day.append(float(rng.uniform(*kind.calls_per_day)) * scale)
        self.clientele: WeightedNeighbours | None = None

    def choose_clientele(self, rng: np.random.Generator, phonebook: Phonebook, members: np.ndarray) -> None:
        """Each firm's regulars: a share of its town's ordinary phones, some far more loyal."""
        sources: list[np.ndarray] = []
        targets: list[np.ndarray] = []
        member_towns = phonebook.town[members]
        by_town = {town: members[member_towns == town] for town in set(self.town)}
        for firm, town in enumerate(self.town):
            local = by_town[town]
            if len(local) == 0:
                local = members
            size = max(1, round(len(local) * self.rates.clientele_share))
            chosen = rng.choice(local, size=min(size, len(local)), replace=False)
            sources.append(np.full(len(chosen), firm))
            targets.append(chosen)
        source = np.concatenate(sources)
        self.clientele = WeightedNeighbours(
            len(self.phone),
            source,
            np.concatenate(targets),
            rng.lognormal(0.0, 1.2, size=len(source)),
        )

    def scale_volume(self, factor: float) -> None:
        self.calls_per_day = [calls * factor for calls in self.calls_per_day]

    def fix_premises(self, where: Whereabouts) -> None:
        where.fixed[np.asarray(self.phone, dtype=np.int64)] = True

    def _day_volume(self, clock: DayClock) -> np.ndarray:
        busy = np.asarray([clock.weekday in k.busy_days for k in self.kind])
        factor = np.where(busy, np.asarray([k.busy_factor for k in self.kind]), 1.0)
        return np.asarray(self.calls_per_day) * factor

    def expected_records(self, clocks: Sequence[DayClock]) -> float:
        per_call = np.asarray([1 + k.confirmation_text + k.follow_up_text for k in self.kind])
        return float(sum((self._day_volume(c) * per_call).sum() for c in clocks))

    def generate(self, rng: np.random.Generator, clock: DayClock) -> EventBatch:
        assert self.clientele is not None, "choose_clientele() first"
        counts = rng.poisson(self._day_volume(clock))
        firm = np.repeat(np.arange(len(self.phone)), counts)
        if len(firm) == 0:
            return concat([])
        caller = self.clientele.sample(rng, firm)
        business = np.asarray(self.phone, dtype=np.int32)[firm]
        profiles = np.asarray([k.profile for k in self.kind], dtype=np.int8)[firm]
        time = clock.to_utc(clock.sample_local_seconds(rng, profiles))
        low = np.asarray([k.call_seconds[0] for k in self.kind])[firm]
        high = np.asarray([k.call_seconds[1] for k in self.kind])[firm]
        duration = rng.integers(low, high + 1)
        inbound = calls(caller, business, time, duration)

        confirm_p = np.asarray([k.confirmation_text for k in self.kind])[firm]
        confirmed = rng.random(len(firm)) < confirm_p
        confirm_time = time + duration + rng.integers(20, 300, size=len(firm))
        confirmation = texts(business[confirmed], caller[confirmed], confirm_time[confirmed])

        follow_p = np.asarray([k.follow_up_text for k in self.kind])[firm]
        followed = rng.random(len(firm)) < follow_p
        follow_time = time + rng.integers(8 * 60, 25 * 60, size=len(firm))
        follow_up = texts(business[followed], caller[followed], follow_time[followed])
        return concat([inbound, confirmation, follow_up])
