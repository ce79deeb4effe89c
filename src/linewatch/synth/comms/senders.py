"""Look-alike bulk senders: marketing gateways, appointment reminders and event promoters.

All three send bursts of SMS to many distinct recipients, as a line's flares do:
- marketing gateways send to thousands, on working days, with almost no replies and no calls;
- reminder senders (surgeries, salons) text tomorrow's appointments each weekday morning and get
  some replies, from a fixed gateway;
- promoters are ordinary people who text a broadcast list of a few hundred local numbers one to
  three times a week (mostly Thursday to Saturday) and get some calls and texts back: the
  hardest look-alike, because it also has a repeat customer list and an evening rhythm.
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

MARKETING_NAMES = ("Bulk SMS Services Ltd", "TextReach Ltd", "Promo Messaging Ltd")
REMINDER_NAMES = ("Health Centre", "Dental Practice", "Hair Studio", "Vets")


@dataclass(slots=True)
class SenderPlan:
    """One bulk sender: its phone, who it texts and how often."""

    phone: int
    kind: str  # marketing, reminders, promoter
    recipients: np.ndarray  # phone indices (filled once the phone table exists)
    town: int  # -1: county-wide list
    list_size: int
    campaign_chance: tuple[float, ...]  # per weekday, Mon=0
    profile: Profile
    reach: tuple[float, float]  # share of the list texted per campaign
    per_day: tuple[float, float]  # reminders: texts per campaign instead of a share
    spread_minutes: tuple[float, float]
    reply: float
    call_back: float


class BulkSenders:
    """Every bulk sender in the county."""

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
        """Adds the gateway phones of marketing and reminder senders to the builder; promoters
        are people already in the population and are chosen in `choose_recipients`."""
        self.rates = rates
        self.plans: list[SenderPlan] = []
        total = int(phones_per_town.sum())
        weekday_campaigns = (rates.marketing_campaign_per_weekday,) * 5 + (0.1, 0.0)
        for i in range(max(2, round(total / rates.phones_per_marketing_sender))):
            list_size = min(int(rng.integers(*rates.marketing_list_size)), max(20, total // 2))
            address = f"Unit {i + 1}, Enterprise Park, {town_names[0]}"
            phone = self._gateway(builder, source, rng, start, 0, "marketing", MARKETING_NAMES[i % 3], address)
            self.plans.append(
                SenderPlan(
                    phone,
                    "marketing",
                    np.empty(0, np.int32),
                    -1,
                    list_size,
                    weekday_campaigns,
                    Profile.office,
                    rates.marketing_reach,
                    (0.0, 0.0),
                    (10.0, 60.0),
                    rates.marketing_stop_reply,
                    0.0,
                )
            )
        for town, town_phones in enumerate(phones_per_town.tolist()):
            for i in range(max(1, round(town_phones / rates.phones_per_reminder_sender))):
                label = f"{town_names[town]} {REMINDER_NAMES[i % len(REMINDER_NAMES)]}"
                address = f"{i + 1} Market Street, {town_names[town]}"
                phone = self._gateway(builder, source, rng, start, town, "reminders", label, address)
                scale = town_phones / rates.phones_per_reminder_sender
                low, high = rates.reminders_per_weekday
                self.plans.append(
                    SenderPlan(
                        phone,
                        "reminders",
                        np.empty(0, np.int32),
                        town,
                        max(10, round(town_phones * 0.3)),
                        (1.0,) * 5 + (0.0, 0.0),
                        Profile.office,
                        (0.0, 0.0),
                        (low * min(scale, 1.0), high * min(scale, 1.0)),
                        (5.0, 30.0),
                        rates.reminder_reply,
                        0.0,
                    )
                )
        self.promoter_towns = [
            (town, max(1, round(n / rates.phones_per_promoter))) for town, n in enumerate(phones_per_town.tolist())
        ]

    def _gateway(
        self,
        builder: PhonebookBuilder,
        source: NumberSource,
        rng: np.random.Generator,
        start: date,
        town: int,
        kind: str,
        label: str,
        address: str,
    ) -> int:
        phone = builder.add(
            source.mobile(),
            town,
            source.imei(),
            Role.bulk_sender,
            social=False,
            profile=Profile.office,
            kind=kind,
        )
        builder.subscribers[phone] = Subscriber(
            name=label,
            address=address,
            registered=start - timedelta(days=int(rng.integers(100, 2000))),
            pay_as_you_go=False,
            network=("Vodafone", "EE")[len(self.plans) % 2],
        )
        return phone

    def choose_recipients(self, rng: np.random.Generator, phonebook: Phonebook, members: np.ndarray) -> None:
        """Fill each sender's list and pick the promoters from ordinary people."""
        r = self.rates
        for plan in self.plans:
            pool = members if plan.town < 0 else members[phonebook.town[members] == plan.town]
            pool = pool if len(pool) else members
            size = min(plan.list_size, len(pool))
            plan.recipients = np.sort(rng.choice(pool, size=size, replace=False)).astype(np.int32)
        # Promoters run club nights: lists lean to young people and their own town.
        blast_days = np.asarray([0.3, 0.3, 0.5, 1.5, 2.0, 2.0, 0.4])
        for town, count in self.promoter_towns:
            local = members[phonebook.town[members] == town]
            if len(local) < 10:
                continue
            young = local[phonebook.profile[local] == Profile.late]
            for _ in range(count):
                phone = int(rng.choice(young if len(young) else local))
                size = min(int(rng.integers(*r.promoter_list_size)), len(local) - 1)
                weights = np.where(phonebook.profile[local] == Profile.late, 3.0, 1.0)
                weights[local == phone] = 0.0
                chosen = rng.choice(local, size=size, replace=False, p=weights / weights.sum())
                per_week = float(rng.uniform(*r.promoter_blasts_per_week))
                chance = np.minimum(per_week * blast_days / blast_days.sum(), 1.0)
                phonebook.add_role(phone, Role.bulk_sender, "promoter")
                self.plans.append(
                    SenderPlan(
                        phone,
                        "promoter",
                        np.sort(chosen).astype(np.int32),
                        town,
                        size,
                        tuple(chance.tolist()),
                        Profile.late,
                        r.promoter_reach,
                        (0.0, 0.0),
                        (2.0, 10.0),
                        r.promoter_inbound_per_blast / 2,
                        r.promoter_inbound_per_blast / 2,
                    )
                )

    def scale_volume(self, factor: float) -> None:
        """Fewer campaigns (never larger ones: a campaign's reach is part of its shape)."""
        for plan in self.plans:
            plan.campaign_chance = tuple(min(c * factor, 1.0) for c in plan.campaign_chance)

    def fix_gateways(self, where: Whereabouts) -> None:
        for plan in self.plans:
            if plan.kind != "promoter":
                where.fixed[plan.phone] = True

    def expected_records(self, clocks: Sequence[DayClock]) -> float:
        total = 0.0
        for plan in self.plans:
            if plan.kind == "reminders":
                per_campaign = min(float(np.mean(plan.per_day)), len(plan.recipients))
            else:
                per_campaign = float(np.mean(plan.reach)) * len(plan.recipients)
            campaigns = sum(plan.campaign_chance[c.weekday] for c in clocks)
            total += campaigns * per_campaign * (1 + plan.reply + plan.call_back)
        return total

    def generate(self, rng: np.random.Generator, clock: DayClock) -> EventBatch:
        batches: list[EventBatch] = []
        for plan in self.plans:
            if len(plan.recipients) == 0 or rng.random() >= plan.campaign_chance[clock.weekday]:
                continue
            if plan.kind == "reminders":
                count = min(rng.poisson(rng.uniform(*plan.per_day)), len(plan.recipients))
                chosen = rng.choice(plan.recipients, size=count, replace=False)
            else:
                reach = rng.uniform(*plan.reach)
                chosen = plan.recipients[rng.random(len(plan.recipients)) < reach]
            if len(chosen) == 0:
                continue
            begin = clock.to_utc(clock.sample_local_seconds(rng, plan.profile, 1))[0]
            spread = rng.uniform(*plan.spread_minutes) * 60
            chosen = rng.permutation(chosen)
            sent = begin + np.sort(rng.uniform(0, spread, size=len(chosen))).astype(np.int64)
            batches.append(texts(plan.phone, chosen, sent))
            replied = rng.random(len(chosen)) < plan.reply
            reply_time = sent[replied] + rng.exponential(1800.0, size=int(replied.sum()))
            batches.append(texts(chosen[replied], plan.phone, reply_time.astype(np.int64)))
            rang = rng.random(len(chosen)) < plan.call_back
            ring_time = sent[rang] + rng.exponential(3600.0, size=int(rang.sum()))
            # "Put me on the list": short calls, like a customer ringing a line.
            duration = rng.integers(15, 75, size=int(rang.sum()))
            batches.append(calls(chosen[rang], plan.phone, ring_time.astype(np.int64), duration))
        return concat(batches)
