"""Training the person model without labels, as Splink does it: the chance that two random records
match from deterministic rules, u probabilities (how often non-matches agree) by random sampling,
m probabilities (how often matches agree) by expectation maximisation over several blocking rules.

Small inputs (a handful of records, as in tests or a first feed) cannot support training; they
use the prior model shipped with the package (trained the same way on practice data, see
``prior.py``). Anything that went differently from plan is written into the training notes,
which are saved with the model.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from splink import Linker, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.exceptions import SplinkException

from linewatch.linkage.model import NO_DOB_TRAINING_RULE, TRAINING_RULES, rules_for

logger = logging.getLogger(__name__)

# Fewer records than this and the prior model is used instead of training.
MINIMUM_TRAINING_RECORDS = 500


@dataclass(frozen=True, slots=True)
class TrainingPlan:
    """How hard to train. More pairs give steadier estimates and take longer. Above
    ``sample_records`` records, m and u are trained on a random sample of that many records (they
    describe how fields agree, not how many records there are) and only the chance that two
    random records match is estimated on all of them."""

    u_max_pairs: float = 2e6
    em_max_pairs: float = 5e5
    em_without_term_frequencies: bool = True  # EM on agreement patterns only: much faster, m barely moves
    recall_of_deterministic_rules: float = 0.7
    sample_records: int = 250_000
    seed: int = 42


@dataclass
class TrainingNotes:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        logger.info(line)
        self.lines.append(line)


def deterministic_rules(columns: Collection[str]) -> list[str]:
    """Rules almost only true matches pass: all three of forename, surname and birth date, or a
    valid strong identifier. Used to estimate the chance two random records match."""
    rules = []
    if {"given_name", "surname", "dob"} <= set(columns):
        rules.append("given_name & surname & dob")
    rules += [identifier for identifier in ("nhs_number", "upn", "pnc_id") if identifier in columns]
    return rules


def train(
    linker: Linker,
    columns: Collection[str],
    plan: TrainingPlan = TrainingPlan(),
    step: Callable[[str], None] = lambda _: None,
) -> TrainingNotes:
    """Estimate the model's parameters in place on ``linker``; returns what happened."""
    notes = TrainingNotes()
    estimate_match_chance(linker, columns, plan, notes, step)
    step("estimating u probabilities by random sampling")
    linker.training.estimate_u_using_random_sampling(max_pairs=plan.u_max_pairs, seed=plan.seed)
    notes.add(f"u probabilities from up to {plan.u_max_pairs:,.0f} random pairs (seed {plan.seed}).")
    training_rules = rules_for(columns, TRAINING_RULES)
    if "dob" not in columns:
        training_rules += rules_for(columns, (NO_DOB_TRAINING_RULE,))
    for rule in training_rules:
        step(f"estimating m probabilities on pairs blocked by {rule.name}")
        # Splink's EM session narrows the linker's own comparison list before training and only
        # restores it on success; keep a copy so a failed rule leaves the model whole.
        before = linker._settings_obj.core_model_settings.copy()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule.creator(),
                max_pairs=plan.em_max_pairs,
                estimate_without_term_frequencies=plan.em_without_term_frequencies,
            )
            notes.add(f"m probabilities by EM on up to {plan.em_max_pairs:,.0f} pairs with {rule.name} ({rule.why}).")
        except (ValueError, SplinkException) as error:
            linker._settings_obj.core_model_settings = before
            reason = " ".join(str(error).split())[:300]
            notes.add(f"EM on pairs blocked by {rule.name} was skipped: {reason}")
    return notes


def estimate_match_chance(
    linker: Linker, columns: Collection[str], plan: TrainingPlan, notes: TrainingNotes, step: Callable[[str], None]
) -> None:
    """The chance two random records match, from deterministic rules and their assumed recall."""
    rules = deterministic_rules(columns)
    if not rules:
        notes.add("Chance two random records match left at its default: no deterministic rule can be formed.")
        return
    step("estimating how often two random records match")
    creators: list[str | BlockingRuleCreator] = [block_on(*rule.split(" & ")) for rule in rules]
    try:
        linker.training.estimate_probability_two_random_records_match(
            creators, recall=plan.recall_of_deterministic_rules
        )
        notes.add(
            f"Chance two random records match: from rules {', '.join(rules)} "
            f"assuming they find {plan.recall_of_deterministic_rules:.0%} of matches."
        )
    except (ValueError, SplinkException) as error:
        notes.add(f"Chance two random records match left at its default: {error}")


def monotone_weights(settings: dict[str, Any]) -> list[str]:
    """No level of agreement may count as more evidence against a match than no agreement at all.

    EM can drive the m probability of a level seen in only a few matched pairs towards zero,
    making it hundreds of bits of evidence against a match: worse than the "all other
    comparisons" level it is meant to improve on. Such a level's m is raised until its weight
    equals that of the "all other comparisons" level. Levels never seen in training are left to
    Splink's defaults. Changes settings in place; returns a note per change."""
    notes: list[str] = []
    for comparison in settings["comparisons"]:
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        floor = _weight(levels[-1])
        if floor is None:
            continue
        for level in levels[:-1]:
            u = level.get("u_probability")
            if not isinstance(u, float | int) or u <= 0:
                continue
            weight = _weight(level)
            if weight is not None and weight < floor:
                level["m_probability"] = min(1.0, u * 2**floor)
                name, label = comparison["output_column_name"], level["label_for_charts"]
                notes.append(
                    f"{name}: {label!r} weight {weight:+.1f} raised to {floor:+.1f}, the weight of no agreement"
                )
    return notes


def _weight(level: dict[str, Any]) -> float | None:
    m, u = level.get("m_probability"), level.get("u_probability")
    if isinstance(m, float | int) and isinstance(u, float | int) and m > 0 and u > 0:
        return math.log2(m / u)
    return None
