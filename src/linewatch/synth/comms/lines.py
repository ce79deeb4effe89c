"""Deal lines day by day: flares, customer orders and replies, dispatch to runners, gang contact.

For each day a line operates, the live number sends two to five flare bursts to most of the
customers buying that day; customers ring or text orders (short calls, afternoon and evening);
the line replies and texts or rings a runner deployed in the customer's town, who sometimes
contacts the customer; the line phone (held in the hub) and the controllers stay in touch, and
controllers check in with runners. A replacement number opens with a flare to the same list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from linewatch.synth.comms.cells import Trip, Whereabouts
from linewatch.synth.comms.clock import DayClock, Profile, local_midnight_utc
from linewatch.synth.comms.events import EventBatch, concat, make_batch, texts
from linewatch.synth.comms.line_plans import LinePlan, RunnerPlan
from linewatch.synth.comms.rates import LineRates


@dataclass(frozen=True, slots=True)
class RunnerDay:
    """One row of truth/comms_runner_days.csv: a runner deployed to a market town that day."""

    number: str
    line_id: str
    day_index: int
    town: int
    trip_town: int  # -1: no trip
    trip_hours: tuple[int, int]


class DealLines:
    """All deal lines of the county."""

    def __init__(self, plans: list[LinePlan], rates: LineRates, start: date) -> None:
        self.plans = plans
        self.rates = rates
        self.start = start
        self.runner_days: list[RunnerDay] = []
        self._lifetime_cache: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def _operating(self, plan: LinePlan, day: int) -> bool:
        return plan.first_day <= day < plan.stop_day

    def _deployed(self, plan: LinePlan, day: int) -> list[RunnerPlan]:
        if not self._operating(plan, day):
            return []
        return [r for r in plan.runners if r.first_day <= day <= r.last_day]

    def place_line_phones(self, where: Whereabouts) -> None:
        """Every number of a line is held by the same person in the hub: same usual cells."""
        for plan in self.plans:
            if not plan.numbers:
                continue
            holder = plan.numbers[0].phone
            for number in plan.numbers[1:]:
                where.night_cell[number.phone] = where.night_cell[holder]
                where.day_cell[number.phone] = where.day_cell[holder]

    def move_phones(self, rng: np.random.Generator, clock: DayClock, where: Whereabouts) -> None:
        """Put deployed runners in their market town today, with travel and re-supply trips."""
        r = self.rates
        for plan in self.plans:
            for runner in self._deployed(plan, clock.index):
                where.town[runner.phone] = runner.market_town
                where.night_cell[runner.phone] = runner.night_cell
                where.day_cell[runner.phone] = runner.work_cell
                trip_town, hours = -1, (0, 0)
                if clock.index == runner.first_day and runner.home_town != runner.market_town:
                    # Going country: the morning at home, then the journey out.
                    trip_town, hours = runner.home_town, (0, int(rng.integers(9, 16)))
                elif rng.random() < r.resupply_trip:
                    trip_town, hours = plan.origin_town, r.resupply_hours
                if trip_town >= 0:
                    start, end = (clock.midnight_utc + hour * 3600 for hour in hours)
                    where.trips.append(Trip(runner.phone, start, end, trip_town))
                self.runner_days.append(
                    RunnerDay(
                        runner.number,
                        plan.spec.line_id,
                        clock.index,
                        runner.market_town,
                        trip_town,
                        hours,
                    )
                )

    def expected_records(self, clocks: Sequence[DayClock]) -> float:
        r = self.rates
        flare = np.mean(r.flare_bursts_per_day) * np.mean(r.flare_reach)
        text_share = 1 - r.order_by_call_share
        per_order = (
            1
            + r.order_by_call_share * r.text_after_call_order
            + text_share * r.reply_to_text_order
            + r.dispatch_to_runner
            + r.runner_contacts_customer
        )
        total = 0.0
        for plan in self.plans:
            for clock in clocks:
                if not self._operating(plan, clock.index):
                    continue
                buying = plan.customers_on(clock.index)
                runners = len(self._deployed(plan, clock.index))
                total += flare * len(buying) + plan.order_rate[buying].sum() * per_order
                total += r.holder_controller_contacts_per_day + runners * (
                    r.controller_runner_contacts_per_day + r.runner_runner_contacts_per_day
                )
        return total

    def generate(self, rng: np.random.Generator, clock: DayClock) -> EventBatch:
        batches: list[EventBatch] = []
        for plan in self.plans:
            if self._operating(plan, clock.index) and plan.numbers:
                batches.append(self._line_day(rng, clock, plan))
        return concat(batches)

    def _line_day(self, rng: np.random.Generator, clock: DayClock, plan: LinePlan) -> EventBatch:
        buying = plan.customers_on(clock.index)
        runners = self._deployed(plan, clock.index)
        day = concat(
            [
                *self._flares(rng, clock, plan, buying),
                *self._orders(rng, clock, plan, buying, runners),
                *self._gang_contact(rng, clock, plan, runners),
            ]
        )
        return self._within_lifetimes(day, plan)

    def _within_lifetimes(self, batch: EventBatch, plan: LinePlan) -> EventBatch:
        """Drop what a reply or a call-out minutes later would put outside a number's life: a
        cut-off number or a returned work phone sends and receives nothing afterwards."""
        phones, begins, ends = self._lifetimes(plan)
        keep = np.ones(len(batch), dtype=bool)
        for party in (batch.a, batch.b):
            slot = np.minimum(np.searchsorted(phones, party), len(phones) - 1)
            limited = phones[slot] == party
            keep &= ~limited | ((batch.time >= begins[slot]) & (batch.time < ends[slot]))
        return batch if keep.all() else batch.take(keep)

    def _lifetimes(self, plan: LinePlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cached = self._lifetime_cache.get(plan.spec.line_id)
        if cached is None:
            spans = {n.phone: (n.begin, n.end) for n in plan.numbers}
            for runner in plan.runners:
                if runner.work_phone:
                    spans[runner.phone] = (
                        local_midnight_utc(self.start + timedelta(days=runner.first_day)),
                        local_midnight_utc(self.start + timedelta(days=runner.last_day + 1)),
                    )
            phones = sorted(spans)
            cached = (
                np.asarray(phones, dtype=np.int64),
                np.asarray([spans[p][0] for p in phones], dtype=np.int64),
                np.asarray([spans[p][1] for p in phones], dtype=np.int64),
            )
            self._lifetime_cache[plan.spec.line_id] = cached
        return cached

    def _flares(
        self, rng: np.random.Generator, clock: DayClock, plan: LinePlan, buying: np.ndarray
    ) -> list[EventBatch]:
        r = self.rates
        if len(buying) == 0:
            return []
        bursts = int(rng.integers(r.flare_bursts_per_day[0], r.flare_bursts_per_day[1] + 1))
        starts = clock.to_utc(clock.sample_local_seconds(rng, Profile.flare, bursts))
        reaches = rng.uniform(*r.flare_reach, size=bursts)
        for number in plan.numbers:
            if number.replacement and clock.midnight_utc <= number.begin < clock.next_midnight_utc:
                # "New number, same line": the list hears about the new number first.
                starts = np.append(starts, number.begin + 60)
                reaches = np.append(reaches, rng.uniform(*r.new_number_flare_reach))
        line_phone = plan.number_at(starts)
        # One row per burst, one column per buying customer: who each burst reaches.
        reached = rng.random((len(starts), len(buying))) < reaches[:, None]
        reached &= (line_phone >= 0)[:, None]
        burst, position = np.nonzero(reached)
        spread = rng.uniform(*r.flare_spread_minutes, size=len(starts)) * 60
        sent = starts[burst] + (rng.random(len(burst)) * spread[burst]).astype(np.int64)
        return [texts(line_phone[burst], plan.customers[buying[position]], sent)]

    def _orders(
        self,
        rng: np.random.Generator,
        clock: DayClock,
        plan: LinePlan,
        buying: np.ndarray,
        runners: list[RunnerPlan],
    ) -> list[EventBatch]:
        r = self.rates
        busy = 1.2 if clock.weekday in (4, 5) else 1.0
        counts = rng.poisson(plan.order_rate[buying] * busy)
        who = np.repeat(buying, counts)
        time = clock.to_utc(clock.sample_local_seconds(rng, Profile.line_orders, len(who)))
        line_phone = plan.number_at(time)
        # Customers can only order once the live number has flared them (begin + 60 s).
        for number in plan.numbers:
            if number.replacement:
                early = (line_phone == number.phone) & (time < number.begin + 60)
                line_phone[early] = -1
        reachable = line_phone >= 0
        who, time, line_phone = who[reachable], time[reachable], line_phone[reachable]
        customer = plan.customers[who]
        n = len(who)
        by_call = rng.random(n) < r.order_by_call_share
        duration = np.where(by_call, rng.integers(*r.order_call_seconds, size=n), 0)
        orders = make_batch(customer, line_phone, time, duration, ~by_call)

        reply_p = np.where(by_call, r.text_after_call_order, r.reply_to_text_order)
        replied = rng.random(n) < reply_p
        reply_time = time + duration + rng.integers(30, 480, size=n)
        replies = texts(line_phone[replied], customer[replied], reply_time[replied])
        batches = [orders, replies]
        if runners:
            batches.extend(self._dispatch(rng, plan, runners, who, customer, time, line_phone, duration))
        return batches

    def _dispatch(
        self,
        rng: np.random.Generator,
        plan: LinePlan,
        runners: list[RunnerPlan],
        who: np.ndarray,
        customer: np.ndarray,
        time: np.ndarray,
        line_phone: np.ndarray,
        duration: np.ndarray,
    ) -> list[EventBatch]:
        """The line passes the order to a runner in the customer's town (any runner if none)."""
        r = self.rates
        n = len(who)
        runner_phone = np.asarray([x.phone for x in runners], dtype=np.int32)
        runner_town = np.asarray([x.market_town for x in runners], dtype=np.int32)
        pick = rng.integers(0, len(runners), size=n)
        town = plan.customer_town[who]
        for i in range(len(runners)):
            # Prefer a runner working the customer's town, chosen among them at random.
            local = np.flatnonzero(runner_town == runner_town[i])
            serves = town == runner_town[i]
            pick[serves] = local[rng.integers(0, len(local), size=int(serves.sum()))]
        runner = runner_phone[pick]
        sent = rng.random(n) < r.dispatch_to_runner
        dispatch_time = time + duration + rng.integers(60, 600, size=n)
        by_text = rng.random(n) < 0.7
        dispatch = make_batch(
            line_phone[sent],
            runner[sent],
            dispatch_time[sent],
            np.where(by_text, 0, rng.integers(15, 60, size=n))[sent],
            by_text[sent],
        )
        contacts = rng.random(n) < r.runner_contacts_customer
        outside_time = time + rng.integers(15 * 60, 60 * 60, size=n)
        outside_text = rng.random(n) < 0.5
        outside = make_batch(
            runner[contacts],
            customer[contacts],
            outside_time[contacts],
            np.where(outside_text, 0, rng.integers(5, 40, size=n))[contacts],
            outside_text[contacts],
        )
        return [dispatch, outside]

    def _gang_contact(
        self,
        rng: np.random.Generator,
        clock: DayClock,
        plan: LinePlan,
        runners: list[RunnerPlan],
    ) -> list[EventBatch]:
        r = self.rates
        batches: list[EventBatch] = []
        controllers = plan.controllers
        if len(controllers):
            count = rng.poisson(r.holder_controller_contacts_per_day)
            time = clock.to_utc(clock.sample_local_seconds(rng, Profile.gang, count))
            line_phone = plan.number_at(time)
            live = line_phone >= 0
            controller = controllers[rng.integers(0, len(controllers), size=count)]
            batches.append(self._talk(rng, line_phone[live], controller[live], time[live]))
            if len(controllers) > 1:
                count = rng.poisson(r.controller_controller_contacts_per_day)
                pair = rng.choice(controllers, size=(count, 2))
                time = clock.to_utc(clock.sample_local_seconds(rng, Profile.gang, count))
                batches.append(self._talk(rng, pair[:, 0], pair[:, 1], time))
            for runner in runners:
                count = rng.poisson(r.controller_runner_contacts_per_day)
                time = clock.to_utc(clock.sample_local_seconds(rng, Profile.gang, count))
                controller = controllers[rng.integers(0, len(controllers), size=count)]
                batches.append(self._talk(rng, np.full(count, runner.phone), controller, time))
        if len(runners) > 1:
            count = rng.poisson(r.runner_runner_contacts_per_day * len(runners))
            phones = np.asarray([x.phone for x in runners], dtype=np.int32)
            pair = rng.choice(phones, size=(count, 2))
            time = clock.to_utc(clock.sample_local_seconds(rng, Profile.gang, count))
            batches.append(self._talk(rng, pair[:, 0], pair[:, 1], time))
        return batches

    def _talk(self, rng: np.random.Generator, one: np.ndarray, other: np.ndarray, time: np.ndarray) -> EventBatch:
        """Contacts either way round between two sets of gang phones: mostly calls."""
        n = len(time)
        flip = rng.random(n) < 0.5
        a = np.where(flip, other, one)
        b = np.where(flip, one, other)
        by_call = rng.random(n) < 0.65
        seconds = np.clip(rng.lognormal(np.log(60), 0.9, size=n), 5, 1800).astype(np.int32)
        batch = make_batch(a, b, time, np.where(by_call, seconds, 0), ~by_call)
        keep = batch.a != batch.b
        return batch.take(keep)
