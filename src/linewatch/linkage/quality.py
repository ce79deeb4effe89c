"""How good a grouping is against the truth, by two standard definitions. Pure functions over
(record -> predicted group) and (record -> true person); only evaluation code feeds them truth.

* Pairwise: every pair of records put in one group is a predicted link. Precision is the share of
  predicted links that join records of the same person, recall the share of same-person pairs
  that were linked, F1 their harmonic mean. Counted from group sizes, never by listing pairs.
* Cluster: a predicted group is right when it holds exactly the records of one person. Precision
  is right groups over predicted groups, recall right groups over true persons.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        if self.precision + self.recall == 0:
            return 0.0
        return 2 * self.precision * self.recall / (self.precision + self.recall)


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def pairwise_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """Pairwise precision and recall over the records present in both mappings."""
    records = [record for record in predicted if record in truth]
    both = Counter((predicted[record], truth[record]) for record in records)
    predicted_sizes = Counter(predicted[record] for record in records)
    true_sizes = Counter(truth[record] for record in records)
    true_positive = sum(_pairs(count) for count in both.values())
    predicted_links = sum(_pairs(count) for count in predicted_sizes.values())
    true_links = sum(_pairs(count) for count in true_sizes.values())
    return Scores(
        true_positive / predicted_links if predicted_links else 1.0,
        true_positive / true_links if true_links else 1.0,
    )


def cluster_scores(predicted: Mapping[str, str], truth: Mapping[str, str]) -> Scores:
    """Exact-cluster precision and recall over the records present in both mappings."""
    predicted_groups: dict[str, set[str]] = defaultdict(set)
    true_groups: dict[str, set[str]] = defaultdict(set)
    for record, group in predicted.items():
        if record in truth:
            predicted_groups[group].add(record)
            true_groups[truth[record]].add(record)
    true_sets = {frozenset(members) for members in true_groups.values()}
    right = sum(1 for members in predicted_groups.values() if frozenset(members) in true_sets)
    return Scores(
        right / len(predicted_groups) if predicted_groups else 1.0,
        right / len(true_groups) if true_groups else 1.0,
    )
