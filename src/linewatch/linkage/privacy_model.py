"""The comparisons of the privacy-preserving model: the plain model's evidence, compared on
encodings (privacy.py). Keyed hashes can only be equal or not, so fuzzy name matching uses the
Dice coefficient of the names' Bloom filters, and partial dates use the hashed date parts.

The Dice coefficient is computed in DuckDB by casting the filters to BIT strings (bit_count of the
AND); privacy-preserving linkage therefore runs on DuckDB.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from linewatch.linkage.columns import STRONG_IDENTIFIERS
from linewatch.linkage.model import (
    BIRTH_DAY,
    BIRTH_MONTH,
    DOB_WHOLLY_DIFFERENT_M,
    IDENTIFIER_LABELS,
    PREDICTION_RULES,
    Rule,
    exact_comparison,
)


def _encoded_rule(rule: Rule) -> Rule:
    """The plain rule with date parts taken from their hashed columns (a substring of a hash
    means nothing)."""
    keys = tuple({BIRTH_MONTH: "dob_year_month", BIRTH_DAY: "dob_month_day"}.get(key, key) for key in rule.keys)
    return Rule(keys, rule.why, rule.label, rule.needs, rule.sql)


ENCODED_PREDICTION_RULES = tuple(_encoded_rule(rule) for rule in PREDICTION_RULES)


def dice_at_least(column: str, threshold: float) -> str:
    """SQL: the Dice coefficient of two Bloom filters (binary columns) is at least ``threshold``."""
    left, right = f"CAST({column}_l AS BIT)", f"CAST({column}_r AS BIT)"
    return f"2.0 * bit_count({left} & {right}) / nullif(bit_count({left}) + bit_count({right}), 0) >= {threshold}"


def encoded_name_comparison(name: str, bloom: str, description: str, *, forms: bool) -> ComparisonCreator:
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        cll.NullLevel(name),
        cll.ExactMatchLevel(name).configure(tf_adjustment_column=name),
    ]
    if forms:
        levels.append(cll.ArrayIntersectLevel("given_forms", 1).configure(label_for_charts="Nickname of the same name"))
    levels += [
        cll.CustomLevel(dice_at_least(bloom, 0.85), label_for_charts="Bloom filters: Dice >= 0.85"),
        cll.CustomLevel(
            f"{name.split('_')[0]}_phonetic_l = {name.split('_')[0]}_phonetic_r",
            label_for_charts="Sounds alike (NYSIIS)",
        ),
    ]
    if forms:
        levels.append(
            cll.CustomLevel(
                "given_name_l = middle_first_r or middle_first_l = given_name_r",
                label_for_charts="Forename and middle name swapped",
            )
        )
    levels += [
        cll.CustomLevel(dice_at_least(bloom, 0.65), label_for_charts="Bloom filters: Dice >= 0.65"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(levels, output_column_name=name, comparison_description=description)


def encoded_dob_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        [
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(tf_adjustment_column="dob"),
            cll.CustomLevel("dob_l = dob_swapped_r", label_for_charts="Day and month swapped"),
            cll.ExactMatchLevel("dob_year_month").configure(label_for_charts="Same year and month"),
            cll.ExactMatchLevel("dob_year").configure(label_for_charts="Same year"),
            cll.ElseLevel().configure(m_probability=DOB_WHOLLY_DIFFERENT_M, fix_m_probability=True),
        ],
        output_column_name="dob",
        comparison_description="Date of birth",
    )


def encoded_contact_comparison(columns: Collection[str]) -> ComparisonCreator:
    has_phone, has_postcode, has_uprn = "phone" in columns, "postcode" in columns, "uprn" in columns
    null_parts = [
        f"({name}_l is null or {name}_r is null)" for name in ("postcode", "uprn", "phone") if name in columns
    ]
    no_contact = cll.CustomLevel(" and ".join(null_parts), label_for_charts="No address or phone on one side")
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [no_contact.configure(is_null_level=True)]
    if has_uprn:
        levels.append(cll.ExactMatchLevel("uprn").configure(label_for_charts="Same property (UPRN)"))
    if has_postcode and has_phone:
        levels.append(
            cll.CustomLevel("postcode_l = postcode_r and phone_l = phone_r", label_for_charts="Same postcode and phone")
        )
    if has_postcode:
        levels.append(cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"))
    if has_phone:
        levels.append(cll.ExactMatchLevel("phone").configure(label_for_charts="Same phone"))
    if has_postcode:
        levels += [
            cll.ArrayIntersectLevel("postcode_history", 1).configure(label_for_charts="Shared a postcode before"),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same postcode sector"),
        ]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name="contact", comparison_description="Address and phone")


def encoded_comparisons_for(columns: Collection[str]) -> list[ComparisonCreator]:
    comparisons: list[ComparisonCreator] = []
    if "given_name" in columns:
        comparisons.append(encoded_name_comparison("given_name", "given_bloom", "Forename", forms=True))
    if "middle_names" in columns:
        comparisons.append(
            cl.CustomComparison(
                [
                    cll.NullLevel("middle_first"),
                    cll.ExactMatchLevel("middle_first"),
                    cll.ExactMatchLevel("middle_initial").configure(label_for_charts="Same initial"),
                    cll.ElseLevel(),
                ],
                output_column_name="middle_name",
                comparison_description="First middle name",
            )
        )
    if "surname" in columns:
        comparisons.append(encoded_name_comparison("surname", "surname_bloom", "Surname", forms=False))
    if "dob" in columns:
        comparisons.append(encoded_dob_comparison())
    if "sex" in columns:
        comparisons.append(exact_comparison("sex", "Sex"))
    for identifier in STRONG_IDENTIFIERS:
        if identifier in columns:
            comparisons.append(exact_comparison(identifier, IDENTIFIER_LABELS[identifier]))
    if {"postcode", "uprn", "phone"} & set(columns):
        comparisons.append(encoded_contact_comparison(columns))
    if "other_id" in columns:
        comparisons.append(exact_comparison("other_id", "Other identifier"))
    return comparisons
