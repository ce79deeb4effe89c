"""Who ordinary people contact: a weighted social graph of households, friends and weak ties.

The graph is stored as weighted adjacency lists (CSR) so that a day's worth of contacts for
every caller is drawn in one vectorised search. The same structure holds a business's
clientele or a sender's recipient list.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from linewatch.synth.comms.rates import BackgroundRates


class WeightedNeighbours:
    """For each source index, a list of targets with weights; draws one target per request."""

    def __init__(self, size: int, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> None:
        if len(sources) > 1 and not bool(np.all(sources[1:] >= sources[:-1])):
            order = np.argsort(sources, kind="stable")
            sources, targets, weights = sources[order], targets[order], weights[order]
        self.size = size
        self.targets = np.asarray(targets, dtype=np.int32)
        self.weights = np.asarray(weights, dtype=np.float64)
        counts = np.bincount(sources, minlength=size)
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.cumulative = np.cumsum(self.weights)
        before = np.concatenate([[0.0], self.cumulative])
        self.weight_before = before[self.offsets[:-1]]
        self.total_weight = before[self.offsets[1:]] - self.weight_before

    def degree(self) -> np.ndarray:
        return np.diff(self.offsets)

    def neighbours(self, source: int) -> np.ndarray:
        return self.targets[self.offsets[source] : self.offsets[source + 1]]

    def sample(self, rng: np.random.Generator, sources: np.ndarray) -> np.ndarray:
        """One weighted target per source; sources must have at least one neighbour."""
        point = self.weight_before[sources] + rng.random(len(sources)) * self.total_weight[sources]
        position = np.searchsorted(self.cumulative, point, side="right")
        position = np.clip(position, self.offsets[sources], self.offsets[sources + 1] - 1)
        return self.targets[position]


def _pairs_within_groups(members: np.ndarray, group_sizes: np.ndarray) -> np.ndarray:
    """All ordered pairs (i, j), i != j, of members in the same consecutive group."""
    starts = np.cumsum(group_sizes) - group_sizes
    group_of = np.repeat(np.arange(len(group_sizes)), group_sizes)
    size_of = group_sizes[group_of]
    left = np.repeat(np.arange(len(members)), size_of)
    # For each member, the positions of every member of its group (itself included).
    within = np.arange(len(left)) - np.repeat(np.cumsum(size_of) - size_of, size_of)
    right = starts[group_of[left]] + within
    keep = left != right
    return np.stack([members[left[keep]], members[right[keep]]], axis=1)


def _chunk_sizes(rng: np.random.Generator, total: int, sizes: np.ndarray) -> np.ndarray:
    """Group sizes drawn from `sizes` (already sampled in order) that add up to `total`."""
    cumulative = np.cumsum(sizes)
    cut = int(np.searchsorted(cumulative, total))
    chosen = sizes[: cut + 1].copy()
    chosen[-1] -= int(cumulative[cut] - total)
    return chosen[chosen > 0]


def build_social_graph(
    rng: np.random.Generator,
    size: int,
    members: np.ndarray,
    home_town: np.ndarray,
    rates: BackgroundRates,
    extra_ties: Sequence[tuple[np.ndarray, np.ndarray, float]] = (),
) -> WeightedNeighbours:
    """Households and friend groups within each town, weak ties mostly within town.

    `members` are the phone indices that take part; `extra_ties` adds (sources, targets,
    weight) edges such as the long contact lists of a few people or gang ties.
    """
    edges: list[np.ndarray] = []
    weights: list[np.ndarray] = []

    def add(pairs: np.ndarray, weight: float) -> None:
        # Ties differ in strength: a best friend is texted far more than a classmate.
        edges.append(pairs.astype(np.int32))
        weights.append((weight * rng.lognormal(0.0, 0.6, size=len(pairs))).astype(np.float32))

    towns_present = np.unique(home_town[members])
    household_sizes = np.asarray(rates.household_sizes)
    household_p = np.asarray(rates.household_weights) / sum(rates.household_weights)
    low, high = rates.friend_group_sizes
    for town in towns_present.tolist():
        local = members[home_town[members] == town]
        n = len(local)
        if n < 2:
            continue
        drawn = rng.choice(household_sizes, size=n, p=household_p)
        households = _chunk_sizes(rng, n, drawn)
        add(_pairs_within_groups(rng.permutation(local), households), rates.tie_weight_household)
        for _ in range(rates.friend_group_rounds):
            friends = _chunk_sizes(rng, n, rng.integers(low, high + 1, size=n))
            add(_pairs_within_groups(rng.permutation(local), friends), rates.tie_weight_friend)
        # Weak ties: symmetric, mostly in the same town.
        count = rng.poisson(rates.weak_ties_per_phone / 2, size=n)
        source = np.repeat(local, count)
        same_town = rng.random(len(source)) < rates.weak_tie_same_town
        target = np.where(
            same_town,
            local[rng.integers(0, n, size=len(source))],
            members[rng.integers(0, len(members), size=len(source))],
        )
        pairs = np.stack([source, target], axis=1)
        add(np.concatenate([pairs, pairs[:, ::-1]]), rates.tie_weight_weak)
    for sources, targets, weight in extra_ties:
        pairs = np.stack([sources, targets], axis=1)
        add(np.concatenate([pairs, pairs[:, ::-1]]), weight)

    if not edges:
        empty = np.empty(0, np.int64)
        return WeightedNeighbours(size, empty, empty, np.empty(0))
    all_pairs = np.concatenate(edges)
    edges.clear()
    keys = all_pairs[:, 0].astype(np.int64) * size + all_pairs[:, 1]
    del all_pairs
    all_weights = np.concatenate(weights)
    weights.clear()
    # The same two people can meet as household and friends: one tie, strengths added. Sorting
    # by (source, target) also gives the adjacency lists their order. Int32 pairs and float32
    # weights keep the peak memory of a 300,000-phone county well under a gigabyte.
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    all_weights = all_weights[order]
    del order
    first = np.concatenate([[0], np.flatnonzero(keys[1:] != keys[:-1]) + 1]).astype(np.int64)
    merged = np.add.reduceat(all_weights.astype(np.float64), first) if len(keys) else np.empty(0)
    del all_weights
    unique = keys[first]
    del keys, first
    sources = (unique // size).astype(np.int32)
    targets = (unique % size).astype(np.int32)
    del unique
    keep = sources != targets
    return WeightedNeighbours(size, sources[keep], targets[keep], merged[keep])
