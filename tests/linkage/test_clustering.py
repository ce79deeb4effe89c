"""Grouping linked records: what must stay apart stays apart."""

from __future__ import annotations

import pyarrow as pa

from linewatch.linkage.clustering import Link, group_records, links_table


def nodes(**identifiers: dict[str, str]) -> pa.Table:
    names = ["a", "b", "c", "d"]
    return pa.table(
        {
            "record_id": names,
            "nhs_number": [identifiers.get(name, {}).get("nhs_number") for name in names],
        },
        schema=pa.schema([("record_id", pa.string()), ("nhs_number", pa.string())]),
    )


def test_chained_links_make_one_group() -> None:
    grouping = group_records(nodes(), links_table([Link("a", "b", 0.95, "model"), Link("b", "c", 0.97, "model")]))
    assert grouping.groups() == {"a": ["a", "b", "c"], "d": ["d"]}
    assert grouping.group_of()["c"] == "a"


def test_two_different_nhs_numbers_never_share_a_group() -> None:
    table = nodes(a={"nhs_number": "9434765919"}, c={"nhs_number": "9434765870"})
    links = links_table([Link("a", "b", 0.99, "model"), Link("b", "c", 0.95, "model")])
    grouping = group_records(table, links)
    assert grouping.group_of()["a"] != grouping.group_of()["c"]
    # The weaker link is the one refused, and it is reported for review.
    assert [(link.left, link.right) for link in grouping.refused] == [("b", "c")]


def test_a_rejected_pair_is_split_even_when_chained_through_a_third_record() -> None:
    links = links_table([Link("a", "b", 0.99, "model"), Link("b", "c", 0.98, "model")])
    grouping = group_records(nodes(), links, rejected=[("c", "a")])
    assert grouping.group_of()["a"] != grouping.group_of()["c"]


def test_an_accepted_pair_links_despite_different_identifiers() -> None:
    table = nodes(a={"nhs_number": "9434765919"}, b={"nhs_number": "9434765870"})
    grouping = group_records(table, links_table([Link("a", "b", 1.0, "review")]))
    assert grouping.group_of()["a"] == grouping.group_of()["b"]


def test_membership_is_the_strongest_link_holding_a_record() -> None:
    links = links_table([Link("a", "b", 0.93, "model"), Link("b", "c", 1.0, "nhs_number")])
    table = {row["record_id"]: row for row in group_records(nodes(), links).table.to_pylist()}
    assert table["a"]["membership"] == 0.93 and table["a"]["evidence"] == "model"
    assert table["b"]["membership"] == 1.0 and table["b"]["evidence"] == "nhs_number"
    assert table["d"]["membership"] is None and table["d"]["evidence"] == "single"
