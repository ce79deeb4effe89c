"""Call and SMS events as columns of phone indices and times, before they become export rows.

Every behaviour (background, look-alikes, lines) produces EventBatch objects; the generator
concatenates a day's batches, adds the A-party's cell and handset, sorts and writes them.
Phones are indices into the Phonebook, so a batch is a handful of numpy arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class EventBatch:
    a: np.ndarray  # int32 phone index of the A-party (originating)
    b: np.ndarray  # int32 phone index of the B-party
    time: np.ndarray  # int64 epoch seconds, UTC
    duration: np.ndarray  # int32 seconds; 0 for SMS and unanswered calls
    sms: np.ndarray  # bool: SMS rather than voice

    def __len__(self) -> int:
        return len(self.a)

    def take(self, index: np.ndarray | slice) -> EventBatch:
        return EventBatch(self.a[index], self.b[index], self.time[index], self.duration[index], self.sms[index])


def empty_batch() -> EventBatch:
    return EventBatch(
        np.empty(0, np.int32),
        np.empty(0, np.int32),
        np.empty(0, np.int64),
        np.empty(0, np.int32),
        np.empty(0, bool),
    )


def _column(value: np.ndarray | float, size: int, dtype: type) -> np.ndarray:
    if np.ndim(value) == 0:
        return np.full(size, value, dtype=dtype)
    return np.asarray(value, dtype=dtype)


def make_batch(
    a: np.ndarray | int,
    b: np.ndarray | int,
    time: np.ndarray,
    duration: np.ndarray | int,
    sms: np.ndarray | bool,
) -> EventBatch:
    """A batch from arrays, or scalars repeated to the length of `time`."""
    size = len(time)
    return EventBatch(
        _column(a, size, np.int32),
        _column(b, size, np.int32),
        np.asarray(time, dtype=np.int64),
        _column(duration, size, np.int32),
        _column(sms, size, np.bool_),
    )


def texts(a: np.ndarray | int, b: np.ndarray | int, time: np.ndarray) -> EventBatch:
    return make_batch(a, b, time, 0, True)


def calls(a: np.ndarray | int, b: np.ndarray | int, time: np.ndarray, duration: np.ndarray) -> EventBatch:
    return make_batch(a, b, time, duration, False)


def concat(batches: Sequence[EventBatch]) -> EventBatch:
    kept = [batch for batch in batches if len(batch)]
    if not kept:
        return empty_batch()
    return EventBatch(
        np.concatenate([batch.a for batch in kept]),
        np.concatenate([batch.b for batch in kept]),
        np.concatenate([batch.time for batch in kept]),
        np.concatenate([batch.duration for batch in kept]),
        np.concatenate([batch.sms for batch in kept]),
    )


def drop_self_contact(batch: EventBatch) -> EventBatch:
    """Remove events from a phone to itself (a sampled contact can coincide with the caller)."""
    keep = batch.a != batch.b
    return batch if keep.all() else batch.take(keep)
