"""The county's phones and behaviours, set up once from the spec, and one day of records.

SyntheticCounty adds every phone to the phone book (population, lines, look-alikes, extra
residents), builds the social graph and clienteles, fits volumes to the target, and then
produces each day's events with the A-party's cell and handset.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from linewatch.synth.comms.background import BackgroundTraffic
from linewatch.synth.comms.businesses import Businesses
from linewatch.synth.comms.cells import CellPlan, Whereabouts, serving_cells, usual_whereabouts
from linewatch.synth.comms.clock import DayClock, Profile
from linewatch.synth.comms.errors import CommsSpecError
from linewatch.synth.comms.events import EventBatch, concat
from linewatch.synth.comms.groups import GroupChats, long_contact_lists
from linewatch.synth.comms.line_plans import LinePlan, place_runners, plan_lines
from linewatch.synth.comms.lines import DealLines
from linewatch.synth.comms.numbering import NumberSource, export_digits
from linewatch.synth.comms.phonebook import Phonebook, PhonebookBuilder, Role
from linewatch.synth.comms.rates import CommsRates
from linewatch.synth.comms.senders import BulkSenders
from linewatch.synth.comms.social import build_social_graph
from linewatch.synth.comms_spec import CommsSpec, PersonPhone

PEOPLE_PROFILES = np.asarray([Profile.early, Profile.standard, Profile.late], dtype=np.int8)
PEOPLE_PROFILE_SHARES = (0.25, 0.5, 0.25)


class Stream(IntEnum):
    """Separate random streams, so that changing one behaviour leaves the others' draws alone."""

    numbers = 1
    population = 2
    lines = 3
    lookalikes = 4
    cells = 5
    social = 6
    subscribers = 7
    background = 11
    businesses = 12
    senders = 13
    groups = 14
    deal_lines = 15
    moves = 16
    serving = 17


def stream_rng(seed: int, stream: Stream, day: int = -1) -> np.random.Generator:
    return np.random.default_rng([seed, int(stream), day + 1])


@dataclass(slots=True)
class DayRecords:
    """Events with their A-party cell and handset, ready to write."""

    events: EventBatch
    cell: np.ndarray
    handset: np.ndarray

    def take(self, index: np.ndarray | slice) -> DayRecords:
        return DayRecords(self.events.take(index), self.cell[index], self.handset[index])


class SyntheticCounty:
    """Every phone and behaviour of the county, set up once from the spec."""

    def __init__(self, spec: CommsSpec, rates: CommsRates) -> None:
        self.spec = spec
        self.rates = rates
        self.cells = CellPlan(spec.towns, spec.cell_sites)
        town_index = {name: i for i, name in enumerate(self.cells.town_names)}
        self.clocks = [DayClock.for_day(spec.start, day) for day in range(spec.days)]
        seed = spec.seed

        builder = PhonebookBuilder()
        persons: dict[str, PersonPhone] = {}
        population = stream_rng(seed, Stream.population)
        profiles = population.choice(PEOPLE_PROFILES, size=len(spec.person_phones), p=PEOPLE_PROFILE_SHARES).tolist()
        for i, person in enumerate(spec.person_phones):
            if person.town not in town_index:
                raise CommsSpecError(
                    f"person_phones[{i}] {person.person_id!r}: town {person.town!r} is not one of the spec's towns"
                )
            digits = export_digits(person.phone, f"person_phones[{i}] {person.person_id!r}")
            persons.setdefault(person.phone, person)
            builder.add(
                digits,
                town_index[person.town],
                person.imei,
                Role.background,
                social=True,
                profile=profiles[i],
                kind="person",
                person_id=person.person_id,
            )
        source = NumberSource(stream_rng(seed, Stream.numbers), _spec_numbers(spec), _spec_imeis(spec))
        self.line_plans: list[LinePlan] = plan_lines(
            spec, builder, town_index, persons, source, stream_rng(seed, Stream.lines), rates.line
        )
        self.lines = DealLines(self.line_plans, rates.line, spec.start)
        self._add_extra_people(builder, source, population, town_index)

        social_per_town = np.bincount(
            np.asarray(builder.town)[np.asarray(builder.social, dtype=bool)],
            minlength=len(town_index),
        )
        lookalike_rng = stream_rng(seed, Stream.lookalikes)
        self.businesses = Businesses(
            lookalike_rng,
            builder,
            self.cells.town_names,
            social_per_town,
            source,
            spec.start,
            rates.lookalike,
        )
        self.senders = BulkSenders(
            lookalike_rng,
            builder,
            self.cells.town_names,
            social_per_town,
            source,
            spec.start,
            rates.lookalike,
        )
        self._add_background_handset_upgrades(builder, source, population)
        self.phonebook: Phonebook = builder.freeze()
        book = self.phonebook

        cell_rng = stream_rng(seed, Stream.cells)
        self.where: Whereabouts = usual_whereabouts(self.cells, cell_rng, book.town)
        self.businesses.fix_premises(self.where)
        self.senders.fix_gateways(self.where)
        self.lines.place_line_phones(self.where)
        place_runners(self.line_plans, self.cells, cell_rng)

        members = np.flatnonzero(book.social).astype(np.int32)
        social_rng = stream_rng(seed, Stream.social)
        heavy, heavy_ties = long_contact_lists(social_rng, book, members, rates.lookalike)
        graph = build_social_graph(
            social_rng,
            book.size,
            members,
            book.town,
            rates.background,
            extra_ties=[heavy_ties, *self._gang_ties()],
        )
        self.businesses.choose_clientele(lookalike_rng, book, members)
        self.senders.choose_recipients(lookalike_rng, book, members)
        self.groups = GroupChats(lookalike_rng, book, members, rates.lookalike)
        sigma = rates.background.activity_sigma
        activity = np.zeros(book.size)
        activity[members] = social_rng.lognormal(-(sigma**2) / 2, sigma, size=len(members))
        activity[heavy] *= rates.lookalike.large_contact_activity
        self.background = BackgroundTraffic(social_rng, graph, book.profile, activity, rates.background)
        self._share_out_volume()

    def _share_out_volume(self) -> None:
        """Fit the background (and, for a low target, the look-alikes) to the record target.

        Lines keep their behaviour whatever the target. When the population is larger than the
        target needs, look-alikes and background are turned down together, so a small target
        does not end up made mostly of bulk texts and group chats.
        """
        target = self.spec.target_records
        lines = self.lines.expected_records(self.clocks)
        lookalikes = (
            self.businesses.expected_records(self.clocks)
            + self.senders.expected_records(self.clocks)
            + self.groups.expected_records(self.clocks)
        )
        usual_background = self.background.expected_records(self.clocks)
        room = max(target - lines, 0.0)
        if room < lookalikes + usual_background:
            factor = room / max(lookalikes + usual_background, 1.0)
            for behaviour in (self.businesses, self.senders, self.groups):
                behaviour.scale_volume(factor)
            self.background.calibrate(factor * usual_background, self.clocks)
        else:
            self.background.calibrate(room - lookalikes, self.clocks)

    def _add_extra_people(
        self,
        builder: PhonebookBuilder,
        source: NumberSource,
        rng: np.random.Generator,
        town_index: dict[str, int],
    ) -> None:
        """Ordinary phones beyond the population's, enough to reach the record target at a
        typical activity level; spread over towns like the population (or the cell sites)."""
        r = self.rates.background
        per_phone_day = r.events_per_phone_day * 1.45  # replies and look-alike traffic
        line_records = self.lines.expected_records(self.clocks)
        wanted = (self.spec.target_records - line_records) / self.spec.days / per_phone_day
        have = sum(builder.social)
        extra = max(0, round(wanted) - have)
        if extra == 0:
            return
        towns = np.asarray(builder.town)[np.asarray(builder.social, dtype=bool)]
        if len(towns) == 0:
            towns = self.cells.cell_town
        share = np.bincount(towns, minlength=len(town_index)) / len(towns)
        extra_towns = rng.choice(len(town_index), size=extra, p=share)
        profiles = rng.choice(PEOPLE_PROFILES, size=extra, p=PEOPLE_PROFILE_SHARES)
        for digits, imei, town, profile in zip(
            source.mobiles(extra),
            source.imeis(extra),
            extra_towns.tolist(),
            profiles.tolist(),
            strict=True,
        ):
            builder.add(
                digits,
                town,
                imei,
                Role.background,
                social=True,
                profile=profile,
                kind="resident",
            )

    def _add_background_handset_upgrades(
        self, builder: PhonebookBuilder, source: NumberSource, rng: np.random.Generator
    ) -> None:
        """A few ordinary phones move to a new handset during the period (upgrades, breakages),
        so an IMEI change alone does not mark a line."""
        ordinary = [i for i, role in enumerate(builder.role) if role == Role.background and builder.social[i]]
        count = round(len(ordinary) * self.rates.background.handset_upgrade_share)
        if count == 0:
            return
        chosen = rng.choice(np.asarray(ordinary), size=count, replace=False)
        days = rng.integers(1, max(self.spec.days, 2), size=count)
        for phone, day, imei in zip(chosen.tolist(), days.tolist(), source.imeis(count), strict=True):
            builder.swap_handset(day, phone, imei)

    def _gang_ties(self) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """Controllers of the same line know each other: a strong tie in their personal lives."""
        ties = []
        for plan in self.line_plans:
            controllers = plan.controllers
            if len(controllers) > 1:
                a, b = np.triu_indices(len(controllers), k=1)
                ties.append((controllers[a].astype(np.int64), controllers[b].astype(np.int64), 5.0))
        return ties

    def day_records(self, clock: DayClock) -> DayRecords:
        seed, day = self.spec.seed, clock.index
        where = self.where.copy()
        self.lines.move_phones(stream_rng(seed, Stream.moves, day), clock, where)
        events = concat(
            [
                self.background.generate(stream_rng(seed, Stream.background, day), clock),
                self.businesses.generate(stream_rng(seed, Stream.businesses, day), clock),
                self.senders.generate(stream_rng(seed, Stream.senders, day), clock),
                self.groups.generate(stream_rng(seed, Stream.groups, day), clock),
                self.lines.generate(stream_rng(seed, Stream.deal_lines, day), clock),
            ]
        )
        handset = self.phonebook.advance_handsets(day)[events.a]
        cell = serving_cells(
            self.cells,
            where,
            stream_rng(seed, Stream.serving, day),
            events.a,
            events.time,
            clock.local_hour(events.time),
            self.rates.background,
        )
        return DayRecords(events, cell.astype(np.int32), handset)


def _spec_numbers(spec: CommsSpec) -> set[str]:
    numbers = {p.phone for p in spec.person_phones}
    for line in spec.lines:
        numbers.update(n.number for n in line.numbers)
        numbers.update(line.controller_phones)
        numbers.update(r.phone for r in line.runners)
        numbers.update(line.customer_phones)
    return {n.lstrip("+") for n in numbers}


def _spec_imeis(spec: CommsSpec) -> set[str]:
    imeis = {p.imei for p in spec.person_phones}
    for line in spec.lines:
        imeis.update(n.imei for n in line.numbers)
        imeis.update(r.imei for r in line.runners)
    return imeis
