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
# The columns of features.number_weeks after number and week, in order (the outputs keep it).
NUMBER_WEEK_COLUMNS = (
    "outbound",
    "inbound",
    "distinct_outbound",
    "distinct_inbound",
    "sent_days",
    "burst_days",
    "flare_days_share",
    "flare_response",
    "short_call_share",
    "late_share",
    "inbound_repeat",
    "customer_retention",
)


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


def _evidence_columns(definition: ScoreDefinition, table: str = "") -> str:
    prefix = f"{table}." if table else ""
    return ", ".join(
        f"round({evidence_sql(prefix + name, feature)}, 6) AS {name}_evidence"
        for name, feature in definition.features.items()
    )


def week_scores_sql(definition: ScoreDefinition) -> str:
    """The score of every number and week (a narrow table: the score needs no percentiles)."""
    total = sum(feature.weight for feature in definition.scored().values())
    log_terms = " + ".join(
        f"{feature.weight!r} * ln(greatest({definition.min_evidence!r}, {name}_evidence))"
        for name, feature in definition.scored().items()
    )
    return f"""
    SELECT number, week, round(exp(({log_terms}) / {total!r}), 6) AS score
    FROM (SELECT number, week, {_evidence_columns(definition)} FROM number_weeks) evidenced
    """


def best_weeks_sql() -> str:
    """Each number's best week: the highest score, the earliest such week on a tie."""
    return """
    SELECT s.number, min(s.week) AS week
    FROM week_scores s
    JOIN (SELECT number, max(score) AS top FROM week_scores GROUP BY number) t
      ON t.number = s.number AND t.top = s.score
    GROUP BY s.number
    """


def percentiles_sql(feature: str) -> str:
    """Per week, each distinct value of `feature` with its percentile rank among the numbers in
    use that week: percent_rank(), i.e. (numbers with a lower value) / (numbers - 1), worked
    out once per distinct value (most numbers share a handful of values) instead of sorting
    every number-week."""
    return f"""
    SELECT week, value,
           CASE WHEN in_week = 1 THEN 0.0
                ELSE round(CAST(below AS DOUBLE) / CAST(in_week - 1 AS DOUBLE), 6) END AS percentile
    FROM (
        SELECT week, value, sum(numbers) OVER (PARTITION BY week ORDER BY value) - numbers AS below,
               sum(numbers) OVER (PARTITION BY week) AS in_week
        FROM (SELECT week, {feature} AS value, count(*) AS numbers FROM number_weeks GROUP BY week, {feature}) counted
    ) ranked
    """


def score_steps(definition: ScoreDefinition) -> list[tuple[str, str]]:
    """The tables number_scores_sql reads, in order: (name, SQL) to materialise."""
    return [
        ("week_scores", week_scores_sql(definition)),
        ("best_weeks", best_weeks_sql()),
        *((f"{name}_percentiles", percentiles_sql(name)) for name in definition.features),
    ]


def number_scores_sql(definition: ScoreDefinition) -> str:
    """Each number's best week (after score_steps): its features, each feature's evidence and
    its percentile among all numbers in use that week, and the score."""
    shown = ", ".join(f"{name}_evidence, {name}_p.percentile AS {name}_percentile" for name in definition.features)
    joins = "\n".join(
        f"JOIN {name}_percentiles {name}_p ON {name}_p.week = n.week AND {name}_p.value = n.{name}"
        for name in definition.features
    )
    return f"""
    SELECT n.number, n.week, {", ".join(f"n.{column}" for column in NUMBER_WEEK_COLUMNS)},
           {shown}, s.score, CAST(1 AS BIGINT) AS best
    FROM (
        SELECT w.*, {_evidence_columns(definition, "w")}
        FROM number_weeks w
        JOIN best_weeks b ON b.number = w.number AND b.week = w.week
    ) n
    JOIN week_scores s ON s.number = n.number AND s.week = n.week
    {joins}
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
