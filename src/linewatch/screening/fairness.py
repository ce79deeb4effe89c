"""Disproportionality: are some groups flagged more or less often than their share of the
population? For each group of sex, ethnic group, age band, area and local authority: how many
are flagged (moderate or above by default), the rate, and the rate ratio against everyone else
in the same dimension with its 95% confidence interval (Katz's log method; half a count added
to zero cells). A group is "over" or "under" only when the interval excludes 1.

Published figures hide small numbers: counts from 1 to 9 are suppressed, the rest rounded to
the nearest 5, and where one group of a dimension alone is hidden the next smallest is hidden
too, so that it cannot be worked out from the total. Shares and rates shown are those of the rounded
counts; ratios and their intervals come from the exact counts; nothing is shown for a hidden group.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from linewatch.screening.models import GroupRate

DIMENSIONS = ("sex", "ethnicity", "age_band", "area", "local_authority")
SMALL = 10  # counts below this (and above 0) are suppressed
ROUND_TO = 5
Z95 = 1.959964
ETHNIC_GROUPS = {"white": "White", "mixed": "Mixed", "asian": "Asian", "black": "Black"}


def ethnic_group(ethnicity: str) -> str:
    """ONS high-level group of a detailed code: white_british -> White; not_recorded stays apart."""
    if ethnicity in ("not_recorded", "not_stated", "", "unknown"):
        return "Not recorded"
    return ETHNIC_GROUPS.get(ethnicity.split("_", 1)[0], "Other")


@dataclass(frozen=True, slots=True)
class GroupCount:
    dimension: str
    group: str
    population: int
    flagged: int


def rate_ratio(
    flagged: int, population: int, other_flagged: int, other_population: int
) -> tuple[float, float, float] | None:
    """Rate in a group over the rate in the rest, with a 95% interval; None if either side is empty."""
    if population <= 0 or other_population <= 0:
        return None
    a, c = float(flagged), float(other_flagged)
    n1, n2 = float(population), float(other_population)
    if a == 0 or c == 0:  # Haldane's correction keeps the ratio and its interval finite
        a, c, n1, n2 = a + 0.5, c + 0.5, n1 + 0.5, n2 + 0.5
    ratio = (a / n1) / (c / n2)
    spread = Z95 * math.sqrt(max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0))
    return ratio, ratio * math.exp(-spread), ratio * math.exp(spread)


def _hidden(counts: list[int]) -> set[int]:
    """Indexes of counts to hide: the small ones, and the next smallest when only one is small."""
    hidden = {i for i, count in enumerate(counts) if 0 < count < SMALL}
    if len(hidden) == 1:
        rest = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count > 0)
        if rest:
            hidden.add(rest[0][1])
    return hidden


def rounded(count: int) -> int:
    return int(ROUND_TO * round(count / ROUND_TO))


def disproportionality(counts: Iterable[GroupCount], suppress: bool = True) -> list[GroupRate]:
    """Rates and rate ratios for every group of every dimension present in `counts`."""
    by_dimension: dict[str, list[GroupCount]] = {}
    for count in counts:
        by_dimension.setdefault(count.dimension, []).append(count)
    rates: list[GroupRate] = []
    for dimension, groups in by_dimension.items():
        groups = sorted(groups, key=lambda g: (-g.population, g.group))
        population = sum(g.population for g in groups)
        flagged = sum(g.flagged for g in groups)
        overall = flagged / population if population else 0.0
        hide_population = _hidden([g.population for g in groups]) if suppress else set()
        hide_flagged = _hidden([g.flagged for g in groups]) if suppress else set()
        for index, group in enumerate(groups):
            hidden = index in hide_population or index in hide_flagged
            ratio = rate_ratio(group.flagged, group.population, flagged - group.flagged, population - group.population)
            expected = group.population * overall
            if hidden:
                finding = "suppressed"
            elif ratio is None or (expected < 5 and group.flagged < 5):
                finding = "too few to say"
            elif ratio[1] > 1:
                finding = "over"
            elif ratio[2] < 1:
                finding = "under"
            else:
                finding = "in line"
            shown = not hidden
            # Published shares and rates are those of the rounded counts, so that they do not
            # give the exact counts back; the ratio's interval is a statement about the exact ones.
            shown_population = rounded(group.population) if suppress else group.population
            shown_flagged = rounded(group.flagged) if suppress else group.flagged
            total_population = rounded(population) if suppress else population
            total_flagged = rounded(flagged) if suppress else flagged
            rates.append(
                GroupRate(
                    dimension=dimension,
                    group=group.group,
                    population=shown_population if shown else None,
                    flagged=shown_flagged if shown else None,
                    population_share=shown_population / total_population if shown and total_population else None,
                    flagged_share=shown_flagged / total_flagged if shown and total_flagged else None,
                    rate=shown_flagged / shown_population if shown and shown_population else None,
                    rate_ratio=ratio[0] if shown and ratio else None,
                    ratio_low=ratio[1] if shown and ratio else None,
                    ratio_high=ratio[2] if shown and ratio else None,
                    finding=finding,
                )
            )
    return rates
