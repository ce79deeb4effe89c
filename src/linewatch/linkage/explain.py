"""Reasons in words: what each comparison level of a trained model is worth, and why one pair got
the score it did ("Forename: nickname of the same name +4.1; Date of birth: day and month swapped
+3.0; ..."). Read from the saved Splink model, so the explanation always matches the model used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class LevelWeight:
    comparison: str
    level: str
    gamma: int  # Splink's comparison vector value: -1 for the null level, else levels count down to 0
    m_probability: float | None
    u_probability: float | None

    @property
    def match_weight(self) -> float | None:
        """log2(m/u): how many bits of evidence this level gives for (+) or against (-) a match."""
        if not self.m_probability or not self.u_probability:
            return None
        return math.log2(self.m_probability / self.u_probability)


def level_weights(model: Mapping[str, Any]) -> list[LevelWeight]:
    """Every level of every comparison in a saved Splink model, in the model's order."""
    rows: list[LevelWeight] = []
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = comparison["comparison_levels"]
        counted = [level for level in levels if not level.get("is_null_level")]
        gamma = len(counted) - 1
        for level in levels:
            if level.get("is_null_level"):
                value = -1
            else:
                value = gamma
                gamma -= 1
            rows.append(
                LevelWeight(
                    name, level["label_for_charts"], value, level.get("m_probability"), level.get("u_probability")
                )
            )
    return rows


def level_labels(model: Mapping[str, Any]) -> dict[tuple[str, int], str]:
    return {(weight.comparison, weight.gamma): weight.level for weight in level_weights(model)}


def prior_weight(model: Mapping[str, Any]) -> float:
    """The starting weight before any evidence: log2 of the prior odds two records match."""
    probability = float(model["probability_two_random_records_match"])
    return math.log2(probability / (1 - probability))


def reasons(
    pair: Mapping[str, Any], model: Mapping[str, Any], labels: Mapping[tuple[str, int], str] | None = None
) -> str:
    """One line per compared field for a scored pair (a row of Splink's predictions). Pass
    ``labels`` (from level_labels) when explaining many pairs."""
    labels = labels if labels is not None else level_labels(model)
    parts = [f"Prior {prior_weight(model):+.1f}"]
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        gamma = pair.get(f"gamma_{name}")
        if gamma is None or gamma == -1:
            continue
        weight = float(pair.get(f"mw_{name}") or 0.0) + float(pair.get(f"mw_tf_adj_{name}") or 0.0)
        parts.append(f"{name}: {labels.get((name, int(gamma)), f'level {gamma}')} {weight:+.1f}")
    return "; ".join(parts)
