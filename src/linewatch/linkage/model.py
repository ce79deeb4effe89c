"""The person linkage model as data: which comparisons weigh the evidence, their levels in order
from most to least alike, and the blocking rules that choose which pairs are scored at all.

Only columns that hold values are compared, so the same builder serves the store (every column)
and an analyst's file (perhaps only names and a date of birth). Column meanings are in
standardise.py. Level names are what a reviewer sees in the match-weights chart.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from linewatch.linkage.columns import STRONG_IDENTIFIERS

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]

UNIQUE_ID = "record_id"
SOURCE_DATASET = "source_dataset"


def given_name_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        [
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name").configure(tf_adjustment_column="given_name"),
            cll.ArrayIntersectLevel("given_forms", 1).configure(label_for_charts="Nickname of the same name"),
            cll.JaroWinklerLevel("given_name", 0.92),
            cll.CustomLevel("given_phonetic_l = given_phonetic_r", label_for_charts="Sounds alike (NYSIIS)"),
            cll.CustomLevel(
                "(given_name_l = middle_first_r and substr(given_name_r, 1, 1) = substr(middle_first_l, 1, 1))"
                " or (given_name_r = middle_first_l and substr(given_name_l, 1, 1) = substr(middle_first_r, 1, 1))",
                label_for_charts="Forename and middle name swapped over",
            ),
            cll.CustomLevel(
                "given_name_l = middle_first_r or middle_first_l = given_name_r",
                label_for_charts="Forename and middle name swapped",
            ),
            cll.JaroWinklerLevel("given_name", 0.8),
            cll.ElseLevel(),
        ],
        output_column_name="given_name",
        comparison_description="Forename",
    )


def middle_name_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        [
            cll.NullLevel("middle_first"),
            cll.ExactMatchLevel("middle_first"),
            # Health records often hold only the initial ("O'CONNOR, William J").
            cll.CustomLevel(
                "(length(middle_first_l) = 1 or length(middle_first_r) = 1)"
                " and substr(middle_first_l, 1, 1) = substr(middle_first_r, 1, 1)",
                label_for_charts="Initial agrees with the name",
            ),
            cll.JaroWinklerLevel("middle_first", 0.9),
            cll.ElseLevel(),
        ],
        output_column_name="middle_name",
        comparison_description="First middle name",
    )


def surname_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        [
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname").configure(tf_adjustment_column="surname"),
            cll.JaroWinklerLevel("surname", 0.92),
            cll.CustomLevel("surname_phonetic_l = surname_phonetic_r", label_for_charts="Sounds alike (NYSIIS)"),
            cll.ArrayIntersectLevel("surname_parts", 1).configure(
                label_for_charts="Share one part (double-barrelled or changed)"
            ),
            cll.JaroWinklerLevel("surname", 0.8),
            cll.ElseLevel(),
        ],
        output_column_name="surname",
        comparison_description="Surname",
    )


def dob_comparison() -> ComparisonCreator:
    # dob is ISO text (YYYY-MM-DD): year is characters 1-4, month 6-7, day 9-10.
    transposed = (
        "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)"
        " and substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
        " and substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
    )
    return cl.CustomComparison(
        [
            cll.NullLevel("dob"),
            # Term frequencies: generated and default dates (1 June, 1 January) are shared by many.
            cll.ExactMatchLevel("dob").configure(tf_adjustment_column="dob"),
            cll.CustomLevel(transposed, label_for_charts="Day and month swapped"),
            cll.LevenshteinLevel("dob", 1).configure(label_for_charts="One character different"),
            cll.CustomLevel("substr(dob_l, 1, 7) = substr(dob_r, 1, 7)", label_for_charts="Same year and month"),
            cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", label_for_charts="Same year"),
            # A whole date wrong is rare: fixed, because EM confuses it with look-alikes (see DISAGREEMENT_M).
            cll.ElseLevel().configure(m_probability=DOB_WHOLLY_DIFFERENT_M, fix_m_probability=True),
        ],
        output_column_name="dob",
        comparison_description="Date of birth",
    )


# Sector and district only mean something for UK postcodes, which are normalised with a space.
UK_POSTCODES = "instr(postcode_l, ' ') > 0 and instr(postcode_r, ' ') > 0"


def postcode_prefix(dropped: int) -> str:
    """SQL: the postcodes agree once their last ``dropped`` characters are removed."""
    return (
        f"substr(postcode_l, 1, length(postcode_l) - {dropped}) = substr(postcode_r, 1, length(postcode_r) - {dropped})"
    )


def contact_comparison(columns: Collection[str]) -> ComparisonCreator:
    """Address and phone as one comparison: a household shares both, so weighing them separately
    would count one fact twice and let siblings look like one child."""
    # Postcodes are normalised "AB1 2CD": the sector drops the last two characters, the district
    # (outward code) the last four.
    has_uprn = "uprn" in columns
    has_phone = "phone" in columns
    has_postcode = "postcode" in columns
    has_address = "address" in columns
    null_parts = []
    if has_postcode:
        null_parts.append("(postcode_history_l is null or postcode_history_r is null)")
    if has_uprn:
        null_parts.append("(uprn_l is null or uprn_r is null)")
    if has_phone:
        null_parts.append("(phone_l is null or phone_r is null)")
    if has_address:
        null_parts.append("(address_l is null or address_r is null)")
    no_contact = cll.CustomLevel(" and ".join(null_parts), label_for_charts="No address or phone on one side")
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [no_contact.configure(is_null_level=True)]
    if has_uprn:
        levels.append(cll.ExactMatchLevel("uprn").configure(label_for_charts="Same property (UPRN)"))
    if has_postcode and has_address:
        levels.append(
            cll.CustomLevel(
                "postcode_l = postcode_r and jaro_winkler_similarity(address_l, address_r) >= 0.95",
                label_for_charts="Same address and postcode",
            )
        )
    if has_postcode and has_phone:
        levels.append(
            cll.CustomLevel("postcode_l = postcode_r and phone_l = phone_r", label_for_charts="Same postcode and phone")
        )
    if has_postcode:
        levels.append(cll.ExactMatchLevel("postcode").configure(label_for_charts="Same postcode"))
    if has_phone:
        levels.append(cll.ExactMatchLevel("phone").configure(label_for_charts="Same phone"))
    if has_address:
        levels.append(cll.JaroWinklerLevel("address", 0.9).configure(label_for_charts="Similar address"))
    if has_postcode:
        levels += [
            cll.ArrayIntersectLevel("postcode_history", 1).configure(label_for_charts="Shared a postcode before"),
            cll.CustomLevel(
                f"{UK_POSTCODES} and {postcode_prefix(2)}",
                label_for_charts="Same postcode sector",
            ),
            cll.CustomLevel(
                f"{UK_POSTCODES} and {postcode_prefix(4)}",
                label_for_charts="Same postcode district",
            ),
        ]
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(levels, output_column_name="contact", comparison_description="Address and phone")


# How often the same person's records disagree on a field, fixed rather than learnt: synthetic
# training data rarely shows a sex recorded wrongly, so EM would make one disagreement outweigh
# every other agreement. An identifier disagreeing (both valid) stays
# strong evidence against (about -6.6 bits), and clustering never joins two different values.
DISAGREEMENT_M = {"sex": 0.02, "nhs_number": 0.01, "upn": 0.01, "pnc_id": 0.01}
DOB_WHOLLY_DIFFERENT_M = 0.02


def exact_comparison(column: str, description: str) -> ComparisonCreator:
    disagree: ComparisonLevelCreator = cll.ElseLevel()
    if column in DISAGREEMENT_M:
        disagree = disagree.configure(m_probability=DISAGREEMENT_M[column], fix_m_probability=True)
    return cl.CustomComparison(
        [cll.NullLevel(column), cll.ExactMatchLevel(column), disagree],
        output_column_name=column,
        comparison_description=description,
    )


def other_id_comparison() -> ComparisonCreator:
    return cl.CustomComparison(
        [
            cll.NullLevel("other_id"),
            cll.ExactMatchLevel("other_id"),
            cll.DamerauLevenshteinLevel("other_id", 1).configure(label_for_charts="One typo apart"),
            cll.ElseLevel(),
        ],
        output_column_name="other_id",
        comparison_description="Other identifier",
    )


IDENTIFIER_LABELS = {"nhs_number": "NHS number", "upn": "Unique pupil number", "pnc_id": "PNC ID"}


def comparisons_for(columns: Collection[str]) -> list[ComparisonCreator]:
    """The comparisons the present evidence columns allow, in a fixed order."""
    comparisons: list[ComparisonCreator] = []
    if "given_name" in columns:
        comparisons.append(given_name_comparison())
    if "middle_names" in columns:
        comparisons.append(middle_name_comparison())
    if "surname" in columns:
        comparisons.append(surname_comparison())
    if "dob" in columns:
        comparisons.append(dob_comparison())
    if "sex" in columns:
        comparisons.append(exact_comparison("sex", "Sex"))
    for identifier in STRONG_IDENTIFIERS:
        if identifier in columns:
            comparisons.append(exact_comparison(identifier, IDENTIFIER_LABELS[identifier]))
    if {"postcode", "uprn", "phone", "address"} & set(columns):
        comparisons.append(contact_comparison(columns))
    if "other_id" in columns:
        comparisons.append(other_id_comparison())
    return comparisons


@dataclass(frozen=True, slots=True)
class Rule:
    """A blocking rule: pairs agreeing on every key are compared. Keys are columns or SQL
    expressions over them; ``needs`` names the columns that must hold values for the rule to be
    used (default: the keys). ``why`` is printed beside its pair count."""

    keys: tuple[str, ...]
    why: str
    label: str | None = None
    needs: tuple[str, ...] | None = None
    sql: str | None = None  # for a rule that is not equality of the same keys on both sides

    def creator(self) -> BlockingRuleCreator:
        if self.sql is not None:
            return CustomRule(self.sql)
        return block_on(*self.keys)

    @property
    def name(self) -> str:
        return self.label or " & ".join(self.keys)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.needs or self.keys


BIRTH_MONTH = "substr(dob, 1, 7)"
BIRTH_DAY = "substr(dob, 6, 5)"

# Each rule catches matches the earlier ones miss; Splink scores a pair found by several rules once.
# Names alone would make blocks of thousands (common forename and surname), so each name rule is
# paired with part of the date of birth or the postcode.
PREDICTION_RULES: tuple[Rule, ...] = (
    Rule(("nhs_number",), "same valid NHS number"),
    Rule(("upn",), "same valid unique pupil number"),
    Rule(("pnc_id",), "same valid PNC ID"),
    Rule(("dob", "surname_phonetic"), "same birth date, surname sounds alike (forename varies)"),
    Rule(("dob", "given_phonetic"), "same birth date, forename sounds alike (surname changed)"),
    Rule(
        ("surname_phonetic", "dob_swapped"),
        "surname sounds alike, day and month of birth swapped",
        "surname_phonetic & birth date with day and month swapped",
        ("surname_phonetic", "dob"),
        "l.surname_phonetic = r.surname_phonetic and l.dob = r.dob_swapped",
    ),
    Rule(
        ("given_phonetic", "surname_phonetic", BIRTH_MONTH),
        "names sound alike, same year and month of birth (day mistyped)",
        "given_phonetic & surname_phonetic & birth month",
        ("given_phonetic", "surname_phonetic", "dob"),
    ),
    Rule(
        ("given_phonetic", "surname_phonetic", BIRTH_DAY),
        "names sound alike, same day and month of birth (year mistyped)",
        "given_phonetic & surname_phonetic & birth day",
        ("given_phonetic", "surname_phonetic", "dob"),
    ),
    Rule(
        ("given_phonetic", "surname_phonetic", "postcode"),
        "names sound alike at the same postcode (date of birth missing or wrong)",
    ),
    Rule(("dob", "postcode"), "same birth date at the same postcode (both names differ)"),
    Rule(("phone", "given_phonetic"), "same phone, forename sounds alike"),
    Rule(("uprn", "given_phonetic"), "same property, forename sounds alike"),
    Rule(("other_id",), "same other identifier (analysts' own files)"),
)

# EM estimates each comparison from pairs blocked on other columns, so it needs two rules.
TRAINING_RULES: tuple[Rule, ...] = (
    Rule(("dob",), "same birth date: estimates names, sex, identifiers, address, phone"),
    Rule(("given_name", "surname"), "same names: estimates date of birth and the rest"),
)

# Without dates of birth, names are estimated from pairs at one postcode instead.
NO_DOB_TRAINING_RULE = Rule(("postcode",), "same postcode: estimates names when there are no dates of birth")


def usable(rule: Rule, columns: Collection[str]) -> bool:
    return all(column in columns for column in rule.columns)


def rules_for(columns: Collection[str], rules: tuple[Rule, ...] = PREDICTION_RULES) -> list[Rule]:
    """The rules whose columns all hold values. Derived columns count as present with their
    source column (given_phonetic with given_name, surname_phonetic with surname)."""
    available = set(columns)
    if "given_name" in available:
        available.add("given_phonetic")
    if "surname" in available:
        available.add("surname_phonetic")
    return [rule for rule in rules if usable(rule, available)]


ModelKind = Literal["person", "encoded_person"]
MODEL_KINDS: tuple[ModelKind, ...] = ("person", "encoded_person")


def prediction_rules(kind: str) -> tuple[Rule, ...]:
    if kind == "encoded_person":
        from linewatch.linkage.privacy_model import ENCODED_PREDICTION_RULES

        return ENCODED_PREDICTION_RULES
    return PREDICTION_RULES


def comparisons_of_kind(kind: str, columns: Collection[str]) -> list[ComparisonCreator]:
    """``person`` compares clear text; ``encoded_person`` compares the pseudonymised encodings
    of privacy.py (same blocking rules: they are equalities, which keyed hashes keep)."""
    if kind == "person":
        return comparisons_for(columns)
    if kind == "encoded_person":
        from linewatch.linkage.privacy_model import encoded_comparisons_for

        return encoded_comparisons_for(columns)
    raise ValueError(f"unknown model kind {kind!r}")


def settings_for(
    columns: Collection[str], link_type: LinkType = "dedupe_only", kind: str = "person"
) -> SettingsCreator:
    """Splink settings for the present columns, before training."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name=UNIQUE_ID,
        source_dataset_column_name=SOURCE_DATASET,
        comparisons=list[ComparisonCreator | dict[str, Any]](comparisons_of_kind(kind, columns)),
        blocking_rules_to_generate_predictions=[rule.creator() for rule in rules_for(columns, prediction_rules(kind))],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
    )
