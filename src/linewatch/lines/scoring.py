"""The deal-line score and its explanation, from the definition in score.yaml.

Each feature becomes evidence in [0, 1] through a logistic curve around its midpoint; the score
is the weighted geometric mean of the evidence (a noisy AND: every weighted feature has to look
like a line). Each feature also gets its percentile among all numbers active that week, which
is what the explanation shows beside the value. Scoring is SQL over `number_weeks`, so it runs
on either engine; `explain` turns one scored row into sentences.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from linewatch.definitions import load_definition

DEFAULT_DEFINITION = Path(__file__).parent / "score.yaml"


class FeatureDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    weight: float = Field(ge=0)
    midpoint: float = Field(gt=0)
    steepness: float = Field(gt=0)
    scale: Literal["linear", "log"] = "linear"


class ScoreDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(default=7, ge=1, le=62)
    flare_bucket_minutes: int = Field(default=10, ge=1)
    flare_min_texts: int = Field(default=10, ge=2)
    short_call_seconds: int = Field(default=60, ge=1)
    late_hours: tuple[int, int] = (21, 3)
    line_threshold: float = Field(default=0.5, gt=0, lt=1)
    min_evidence: float = Field(default=0.001, gt=0, lt=1)
    features: dict[str, FeatureDefinition]

    def scored(self) -> dict[str, FeatureDefinition]:
        return {name: feature for name, feature in self.features.items() if feature.weight > 0}


def load_score_definition(path: Path | None = None) -> ScoreDefinition:
    return load_definition(path or DEFAULT_DEFINITION, ScoreDefinition)


def evidence_sql(column: str, feature: FeatureDefinition) -> str:
    if feature.scale == "log":
        x, mid = f"ln(1 + {column})", f"{math.log1p(feature.midpoint)!r}"
    else:
        x, mid = column, repr(feature.midpoint)
    return f"(1.0 / (1.0 + exp(-{feature.steepness!r} * ({x} - {mid}))))"


def evidence(value: float, feature: FeatureDefinition) -> float:
    """The same curve as evidence_sql, for explanations and tests."""
    if feature.scale == "log":
        x, mid = math.log1p(value), math.log1p(feature.midpoint)
    else:
        x, mid = value, feature.midpoint
    return 1.0 / (1.0 + math.exp(-feature.steepness * (x - mid)))


def scored_weeks_sql(definition: ScoreDefinition) -> str:
    """number_weeks plus, per feature, its evidence and percentile that week, and the score."""
    parts = []
    for name, feature in definition.features.items():
        parts.append(f"round({evidence_sql(name, feature)}, 6) AS {name}_evidence")
        parts.append(f"round(percent_rank() OVER (PARTITION BY week ORDER BY {name}), 6) AS {name}_percentile")
    total = sum(feature.weight for feature in definition.scored().values())
    log_terms = " + ".join(
        f"{feature.weight!r} * ln(greatest({definition.min_evidence!r}, {name}_evidence))"
        for name, feature in definition.scored().items()
    )
    return f"""
    SELECT *, round(exp(({log_terms}) / {total!r}), 6) AS score
    FROM (SELECT *, {", ".join(parts)} FROM number_weeks) evidenced
    """


def number_scores_sql() -> str:
    """Each number's best week: its score, and the week whose features explain it."""
    return """
    SELECT * FROM (
        SELECT *, row_number() OVER (PARTITION BY number ORDER BY score DESC, week) AS best
        FROM scored_weeks
    ) ranked WHERE best = 1
    """


def explain(row: dict[str, Any], definition: ScoreDefinition) -> list[str]:
    """One sentence per feature: value, percentile among that week's numbers, evidence."""
    sentences = []
    for name, feature in definition.features.items():
        value = float(row[name])
        percentile = 100.0 * float(row[f"{name}_percentile"])
        shown = f"{value:.0%}" if name.endswith(("_share", "_response", "_retention")) else f"{value:,.1f}"
        weight = f"weight {feature.weight:g}" if feature.weight > 0 else "not scored"
        sentences.append(
            f"{feature.label}: {shown}, percentile {percentile:.1f} among numbers in use that week "
            f"(evidence {float(row[f'{name}_evidence']):.2f}, {weight})"
        )
    return sentences
