"""Look-alike heavy texters: SMS group chats and people with very long contact lists.

A group chat sent over SMS reaches every member in the same second, several times a day, and
draws replies: a small-scale flare. People with long contact lists (coaches, organisers,
tradespeople) have as many distinct contacts as a small line has customers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from linewatch.synth.comms.clock import DayClock, Profile
from linewatch.synth.comms.events import EventBatch, concat, texts
from linewatch.synth.comms.phonebook import Phonebook, Role
from linewatch.synth.comms.rates import LookalikeRates


class GroupChats:
    """Small groups of (mostly young) people in one town who text each other as a group."""

    def __init__(
        self,
        rng: np.random.Generator,
        phonebook: Phonebook,
        members: np.ndarray,
        rates: LookalikeRates,
    ) -> None:
        self.rates = rates
        groups: list[np.ndarray] = []
        low, high = rates.group_chat_sizes
        for town in np.unique(phonebook.town[members]).tolist():
            local = members[phonebook.town[members] == town]
            # Even a small town has a group chat or two.
            wanted = max(round(len(local) * rates.group_chat_share), 2 * low)
            if len(local) < 5 * wanted:
                continue
            weights = np.where(phonebook.profile[local] == Profile.late, 3.0, 1.0)
            chosen = rng.choice(local, size=wanted, replace=False, p=weights / weights.sum())
            position = 0
            while wanted - position >= low:
                size = min(int(rng.integers(low, high + 1)), wanted - position)
                groups.append(chosen[position : position + size])
                position += size
        self.sizes = np.asarray([len(g) for g in groups], dtype=np.int64)
        self.members = np.concatenate(groups).astype(np.int32) if groups else np.empty(0, np.int32)
        self.starts = np.cumsum(self.sizes) - self.sizes
        self.activity = rng.lognormal(0.0, 0.7, size=len(groups)) * rates.group_messages_per_day
        for phone in np.unique(self.members).tolist():
            phonebook.add_role(phone, Role.group, "group_chat")

    def scale_volume(self, factor: float) -> None:
        self.activity = self.activity * factor

    def expected_records(self, clocks: Sequence[DayClock]) -> float:
        per_day = (self.activity * (self.sizes - 1) * (1 + self.rates.group_reply)).sum()
        return float(per_day) * len(clocks)

    def generate(self, rng: np.random.Generator, clock: DayClock) -> EventBatch:
        if len(self.sizes) == 0:
            return concat([])
        counts = rng.poisson(self.activity)
        group = np.repeat(np.arange(len(self.sizes)), counts)
        sender_slot = (rng.random(len(group)) * self.sizes[group]).astype(np.int64)
        sender = self.members[self.starts[group] + sender_slot]
        sent = clock.to_utc(clock.sample_local_seconds(rng, Profile.late, len(group)))
        # Fan-out: one SMS to each other member, a second or so apart.
        fan = self.sizes[group] - 1
        message = np.repeat(np.arange(len(group)), fan)
        slot = np.arange(len(message)) - np.repeat(np.cumsum(fan) - fan, fan)
        slot = np.where(slot >= sender_slot[message], slot + 1, slot)
        recipient = self.members[self.starts[group[message]] + slot]
        time = sent[message] + slot
        fan_out = texts(sender[message], recipient, time)
        replied = rng.random(len(message)) < self.rates.group_reply
        reply_time = time[replied] + 10 + rng.exponential(240.0, size=int(replied.sum()))
        replies = texts(recipient[replied], sender[message][replied], reply_time.astype(np.int64))
        return concat([fan_out, replies])


def long_contact_lists(
    rng: np.random.Generator, phonebook: Phonebook, members: np.ndarray, rates: LookalikeRates
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, float]]:
    """Pick the people with very long contact lists; returns them and their extra ties."""
    count = round(len(members) * rates.large_contact_share)
    if count == 0 or len(members) < 50:
        return np.empty(0, np.int32), (np.empty(0, np.int64), np.empty(0, np.int64), 0.0)
    people = rng.choice(members, size=count, replace=False)
    member_towns = phonebook.town[members]
    by_town = {town: members[member_towns == town] for town in np.unique(member_towns).tolist()}
    sources: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    for person in people.tolist():
        local = by_town[int(phonebook.town[person])]
        size = min(int(rng.integers(*rates.large_contact_ties)), len(members) - 1)
        # Mostly their own town, some county-wide.
        local_size = min(round(size * 0.8), len(local))
        chosen = np.concatenate(
            [
                rng.choice(local, size=local_size, replace=False),
                rng.choice(members, size=size - local_size, replace=False),
            ]
        )
        sources.append(np.full(len(chosen), person))
        targets.append(chosen)
        phonebook.add_role(person, Role.background, "large_contact_list")
    return people.astype(np.int32), (np.concatenate(sources), np.concatenate(targets), 0.3)
