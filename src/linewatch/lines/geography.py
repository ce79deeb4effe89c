"""Where a line runs: its origin (where the line phone is used, usually a hub city) and its
market towns (where its customers are), from the cell sites of each number's own records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LineGeography:
    origin: str | None
    market_towns: tuple[str, ...]

    def describe(self) -> str:
        towns = list(self.market_towns)
        into = (
            " and ".join([", ".join(towns[:-1]), towns[-1]])
            if len(towns) > 1
            else (towns[0] if towns else "unknown towns")
        )
        return f"a line from {self.origin or 'an unknown origin'} into {into}"


def usual_towns(cell_counts: list[tuple[int, str, int]]) -> dict[int, str]:
    """Each number's most used town from (number, town, records) rows; ties go to the town
    that sorts first, so the answer does not depend on row order."""
    best: dict[int, tuple[int, str]] = {}
    for number, town, count in cell_counts:
        current = best.get(number)
        if current is None or (count, _inverse(town)) > (current[0], _inverse(current[1])):
            best[number] = (count, town)
    return {number: town for number, (_, town) in best.items()}


def _inverse(town: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in town)


def line_geography(
    line_numbers: list[int],
    customers: list[int],
    cell_counts: dict[int, Counter[str]],
    towns: dict[int, str],
    min_share: float = 0.15,
) -> LineGeography:
    """Origin: the town where the line's own numbers are used most. Market towns: towns that
    are home to at least `min_share` of its customers (the largest always counts)."""
    used: Counter[str] = Counter()
    for number in line_numbers:
        used.update(cell_counts.get(number, Counter()))
    origin = min(used.items(), key=lambda item: (-item[1], item[0]))[0] if used else None
    homes = Counter(towns[c] for c in customers if c in towns)
    total = sum(homes.values())
    ranked = sorted(homes.items(), key=lambda item: (-item[1], item[0]))
    market = [town for town, count in ranked if total and count / total >= min_share]
    if not market and ranked:
        market = [ranked[0][0]]
    return LineGeography(origin, tuple(market))
