"""Ordinary phone use: calls and texts along the social graph, with replies and call-backs.

Each phone has its own activity level, SMS habit and daily rhythm. A text often gets a reply
within minutes (sometimes a second one), a missed call is often returned: conversation shape
is part of what makes a deal line's one-way flares stand out, so the background must have it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from linewatch.synth.comms.clock import DayClock
from linewatch.synth.comms.events import EventBatch, concat, drop_self_contact, make_batch
from linewatch.synth.comms.rates import BackgroundRates
from linewatch.synth.comms.social import WeightedNeighbours


class BackgroundTraffic:
    """The everyday calls and texts of every phone in the social graph."""

    def __init__(
        self,
        rng: np.random.Generator,
        graph: WeightedNeighbours,
        profile: np.ndarray,
        activity: np.ndarray,
        rates: BackgroundRates,
    ) -> None:
        """`activity` is each phone's relative activity (1.0 = typical; 0 = not in the graph)."""
        self.graph = graph
        self.profile = profile
        self.rates = rates
        has_contacts = graph.degree() > 0
        self.activity = np.where(has_contacts, activity, 0.0)
        low, high = rates.sms_share
        self.sms_share = rng.uniform(low, high, size=graph.size)
        self.events_per_day = rates.events_per_phone_day  # tuned by calibrate()

    def records_per_base_event(self) -> float:
        """Records written per outgoing event, once replies and call-backs are added."""
        r = self.rates
        weights = self.activity / max(self.activity.sum(), 1e-12)
        sms = float((weights * self.sms_share).sum())
        replies = sms * r.reply_to_text * (1 + r.second_reply)
        call_backs = (1 - sms) * r.missed_call * r.call_back_after_missed
        return 1.0 + replies + call_backs

    def _day_factor(self, clock: DayClock) -> float:
        return self.rates.weekend_volume if clock.is_weekend else 1.0

    def calibrate(self, records: float, clocks: Sequence[DayClock]) -> None:
        """Set the base rate so the expected records over the period match the budget."""
        per_unit_rate = (
            float(self.activity.sum()) * self.records_per_base_event() * sum(self._day_factor(c) for c in clocks)
        )
        self.events_per_day = max(records, 0.0) / per_unit_rate if per_unit_rate > 0 else 0.0

    def expected_records(self, clocks: Sequence[DayClock]) -> float:
        return (
            self.events_per_day
            * float(self.activity.sum())
            * self.records_per_base_event()
            * sum(self._day_factor(c) for c in clocks)
        )

    def generate(self, rng: np.random.Generator, clock: DayClock) -> EventBatch:
        r = self.rates
        scale = self.events_per_day * self._day_factor(clock)
        counts = rng.poisson(self.activity * scale)
        caller = np.repeat(np.arange(self.graph.size, dtype=np.int32), counts)
        callee = self.graph.sample(rng, caller)
        time = clock.to_utc(clock.sample_local_seconds(rng, self.profile[caller]))
        sms = rng.random(len(caller)) < self.sms_share[caller]
        duration = self._call_seconds(rng, len(caller))
        missed = ~sms & (rng.random(len(caller)) < r.missed_call)
        duration = np.where(sms | missed, 0, duration)
        first = make_batch(caller, callee, time, duration, sms)

        # Replies: B texts back a few minutes later; sometimes A answers again.
        replied = np.flatnonzero(sms & (rng.random(len(sms)) < r.reply_to_text))
        reply_time = time[replied] + 5 + rng.exponential(150.0, size=len(replied)).astype(np.int64)
        reply = make_batch(callee[replied], caller[replied], reply_time, 0, True)
        again = rng.random(len(replied)) < r.second_reply
        again_time = reply_time[again] + 5 + rng.exponential(200.0, size=int(again.sum()))
        second = make_batch(caller[replied][again], callee[replied][again], again_time, 0, True)

        called_back = np.flatnonzero(missed & (rng.random(len(missed)) < r.call_back_after_missed))
        back_time = time[called_back] + 30 + rng.exponential(900.0, size=len(called_back))
        back = make_batch(
            callee[called_back],
            caller[called_back],
            back_time.astype(np.int64),
            self._call_seconds(rng, len(called_back)),
            False,
        )
        return drop_self_contact(concat([first, reply, second, back]))

    def _call_seconds(self, rng: np.random.Generator, count: int) -> np.ndarray:
        r = self.rates
        seconds = rng.lognormal(np.log(r.call_median_seconds), r.call_sigma, size=count)
        return np.clip(seconds, 3, 4 * 3600).astype(np.int32)
