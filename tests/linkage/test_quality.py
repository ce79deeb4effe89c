"""The two quality definitions evaluate reports."""

from __future__ import annotations

from linewatch.linkage.quality import cluster_scores, pairwise_scores

TRUTH = {"a": "P1", "b": "P1", "c": "P1", "d": "P2"}


def test_perfect_grouping_scores_one() -> None:
    assert pairwise_scores(TRUTH, TRUTH).f1 == 1.0
    assert cluster_scores(TRUTH, TRUTH).f1 == 1.0


def test_a_missed_record_costs_recall_not_precision() -> None:
    predicted = {"a": "g1", "b": "g1", "c": "g2", "d": "g3"}
    scores = pairwise_scores(predicted, TRUTH)
    assert scores.precision == 1.0 and scores.recall == 1 / 3
    cluster = cluster_scores(predicted, TRUTH)
    assert cluster.precision == 1 / 3 and cluster.recall == 1 / 2


def test_a_false_merge_costs_precision() -> None:
    predicted = {"a": "g", "b": "g", "c": "g", "d": "g"}
    scores = pairwise_scores(predicted, TRUTH)
    assert scores.recall == 1.0 and scores.precision == 3 / 6
