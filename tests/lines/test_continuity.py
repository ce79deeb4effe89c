"""Line continuity: a number falls silent, a new one reaches the same customers: one line."""

from __future__ import annotations

from linewatch.lines.continuity import LineNumber, continuity_scores, link_lines

DAY = 86_400
LIST = frozenset(range(100, 160))


def number(n: int, first_day: int, last_day: int, customers: frozenset[int] = LIST, **kw: object) -> LineNumber:
    return LineNumber(n, 0.9, first_day * DAY, last_day * DAY, customers, **kw)  # type: ignore[arg-type]


def test_new_number_reaching_the_same_customers_continues_the_line() -> None:
    lines = link_lines([number(1, 0, 20), number(2, 21, 40)])
    assert [[n.number for n in line.numbers] for line in lines] == [[1, 2]]
    assert lines[0].changes[0].overlap == 1.0


def test_numbers_with_different_customers_are_different_lines() -> None:
    lines = link_lines([number(1, 0, 20), number(2, 21, 40, frozenset(range(500, 560)))])
    assert len(lines) == 2


def test_a_long_silence_breaks_continuity() -> None:
    assert len(link_lines([number(1, 0, 20), number(2, 60, 80)])) == 2


def test_same_handset_links_a_new_sim_even_with_a_new_customer_list() -> None:
    lines = link_lines(
        [number(1, 0, 20, handsets=frozenset({"h"})), number(2, 21, 40, frozenset({1, 2}), handsets=frozenset({"h"}))]
    )
    assert len(lines) == 1 and lines[0].changes[0].same_handset


def test_each_number_continues_at_most_one_line_by_the_strongest_overlap() -> None:
    half = frozenset(range(100, 130))
    lines = link_lines([number(1, 0, 20), number(3, 0, 20, half), number(2, 21, 40)])
    chains = sorted([n.number for n in line.numbers] for line in lines)
    assert chains == [[1, 2], [3]]


def test_a_short_lived_flaring_number_joins_the_line_and_inherits_its_score() -> None:
    successor = LineNumber(2, 0.2, 21 * DAY, 22 * DAY, frozenset(range(100, 150)), scored_line=False)
    lines = link_lines([number(1, 0, 20), successor])
    assert [n.number for n in lines[0].numbers] == [1, 2]
    inherited, reason = continuity_scores(lines)[2]
    assert inherited == 0.9 and "continues line-1" in reason


def test_flaring_numbers_alone_never_make_a_line() -> None:
    lonely = [LineNumber(n, 0.2, n * DAY, (n + 5) * DAY, LIST, scored_line=False) for n in (1, 7)]
    assert link_lines(lonely) == []
