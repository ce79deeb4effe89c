"""From linked pairs to groups of records (one group per person), honouring what must not be joined.

1. Links are the pairs at or above the threshold, the pairs forced by a shared valid identifier,
   and the pairs a reviewer accepted; pairs a reviewer rejected are never links.
2. Splink's connected components groups records joined by any chain of links.
3. A group that would hold two records a reviewer kept apart, or two different valid NHS numbers
   (UPNs, PNC IDs), is rebuilt link by link: accepted links first, then identifier links, then
   model links from the most to the least likely, refusing any link that would join the two. The
   refused links are reported so they can be reviewed.

Each record also gets its membership probability: the highest probability among the links that
hold it in its group (1.0 for identifier and accepted links; none for a record on its own).

Links go in as an Arrow table (record_id_l, record_id_r, probability, evidence); the work is SQL
in DuckDB, with Python only for the few groups that need rebuilding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
from splink import DuckDBAPI
from splink.clustering import cluster_pairwise_predictions_at_threshold

from linewatch.linkage.columns import STRONG_IDENTIFIERS

# Evidence kinds for a link, strongest first: the order links are tried when a group is rebuilt.
EVIDENCE_ORDER = ("review", *STRONG_IDENTIFIERS, "subject", "model")

LINK_SCHEMA = pa.schema(
    [
        ("record_id_l", pa.string()),
        ("record_id_r", pa.string()),
        ("probability", pa.float64()),
        ("evidence", pa.string()),
    ]
)

Pair = tuple[str, str]


def ordered(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True, slots=True)
class Link:
    left: str
    right: str
    probability: float
    evidence: str  # "model", an identifier name, "review" (accepted), "subject" (kept from before)


def links_table(links: Iterable[Link]) -> pa.Table:
    rows = list(links)
    return pa.table(
        {
            "record_id_l": [link.left for link in rows],
            "record_id_r": [link.right for link in rows],
            "probability": [link.probability for link in rows],
            "evidence": [link.evidence for link in rows],
        },
        schema=LINK_SCHEMA,
    )


@dataclass
class Grouping:
    """Records with their group. A group's key is the smallest record id in it."""

    table: pa.Table  # record_id, group_key, membership (float, null alone), evidence
    refused: list[Link] = field(default_factory=list)

    def group_of(self) -> dict[str, str]:
        return dict(
            zip(self.table.column("record_id").to_pylist(), self.table.column("group_key").to_pylist(), strict=True)
        )

    def groups(self) -> dict[str, list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for record, group in self.group_of().items():
            members[group].append(record)
        return {group: sorted(records) for group, records in members.items()}


def group_records(
    records: pa.Table,
    links: pa.Table,
    rejected: Iterable[Pair] = (),
) -> Grouping:
    """Group ``records`` (record_id and the strong identifier columns, valid values only) joined
    by ``links`` without joining different identifiers or ``rejected`` pairs."""
    con = duckdb.connect()
    try:
        return _group(con, records, links, {ordered(a, b) for a, b in rejected})
    finally:
        con.close()


def _group(con: duckdb.DuckDBPyConnection, records: pa.Table, links: pa.Table, rejected: set[Pair]) -> Grouping:
    identifier_columns = [name for name in STRONG_IDENTIFIERS if name in records.column_names]
    con.register("lw_nodes", records.select(["record_id", *identifier_columns]))
    con.register("lw_links_in", links)
    con.register(
        "lw_rejected",
        pa.table(
            {"a": [a for a, _ in rejected], "b": [b for _, b in rejected]},
            schema=pa.schema([("a", pa.string()), ("b", pa.string())]),
        ),
    )
    # Orient every link smallest id first, drop rejected pairs, keep the strongest duplicate.
    order_case = " ".join(f"when '{name}' then {rank}" for rank, name in enumerate(EVIDENCE_ORDER))
    con.execute(
        f"""
        create temp table lw_links as
        select record_id_l, record_id_r, probability, evidence, rank from (
            select least(record_id_l, record_id_r) as record_id_l,
                   greatest(record_id_l, record_id_r) as record_id_r,
                   probability, evidence,
                   case evidence {order_case} else 99 end as rank
            from lw_links_in
            where record_id_l <> record_id_r
        ) l
        where not exists (select 1 from lw_rejected x where x.a = l.record_id_l and x.b = l.record_id_r)
        qualify row_number() over (partition by record_id_l, record_id_r order by rank, probability desc) = 1
        """
    )
    _connected_components(con)
    conflicted = _conflicted_components(con, identifier_columns)
    refused: list[Link] = []
    repaired_rows: list[tuple[str, str]] = []
    if conflicted:
        rejected_by_record: dict[str, set[str]] = defaultdict(set)
        for a, b in rejected:
            rejected_by_record[a].add(b)
            rejected_by_record[b].add(a)
        con.register("lw_conflicted", pa.table({"component": pa.array(sorted(conflicted), pa.string())}))
        member_rows = con.sql(
            f"""
            select c.component, n.record_id, {", ".join(f"n.{name}" for name in identifier_columns) or "null"}
            from lw_components c join lw_nodes n using (record_id)
            where c.component in (select component from lw_conflicted)
            """
        ).fetchall()
        link_rows = con.sql(
            """
            select c.component, l.record_id_l, l.record_id_r, l.probability, l.evidence
            from lw_links l join lw_components c on c.record_id = l.record_id_l
            where c.component in (select component from lw_conflicted)
            """
        ).fetchall()
        members: dict[str, list[str]] = defaultdict(list)
        identifiers: dict[str, dict[str, str]] = {}
        for component, record, *values in member_rows:
            members[component].append(record)
            identifiers[record] = {
                name: value for name, value in zip(identifier_columns, values, strict=False) if value is not None
            }
        component_links: dict[str, list[Link]] = defaultdict(list)
        for component, left, right, probability, evidence in link_rows:
            component_links[component].append(Link(left, right, probability, evidence))
        for component, component_members in members.items():
            groups, refused_here = _rebuild(
                component_members, component_links[component], identifiers, rejected_by_record
            )
            repaired_rows += list(groups.items())
            refused += refused_here
        con.register(
            "lw_repaired",
            pa.table(
                {"record_id": [r for r, _ in repaired_rows], "group_key": [g for _, g in repaired_rows]},
                schema=pa.schema([("record_id", pa.string()), ("group_key", pa.string())]),
            ),
        )
    else:
        con.register(
            "lw_repaired", pa.table({"record_id": pa.array([], pa.string()), "group_key": pa.array([], pa.string())})
        )
    refused_pairs = {ordered(link.left, link.right) for link in refused}
    con.register(
        "lw_refused",
        pa.table(
            {"a": [a for a, _ in refused_pairs], "b": [b for _, b in refused_pairs]},
            schema=pa.schema([("a", pa.string()), ("b", pa.string())]),
        ),
    )
    table = con.sql(
        """
        with grouped as (
            select c.record_id, coalesce(r.group_key, c.component) as group_key
            from lw_components c left join lw_repaired r using (record_id)
        ),
        held as (
            select l.record_id_l as record_id, l.probability, l.rank, l.evidence from lw_links l
            join grouped a on a.record_id = l.record_id_l join grouped b on b.record_id = l.record_id_r
            where a.group_key = b.group_key
              and not exists (select 1 from lw_refused x where x.a = l.record_id_l and x.b = l.record_id_r)
            union all
            select l.record_id_r, l.probability, l.rank, l.evidence from lw_links l
            join grouped a on a.record_id = l.record_id_l join grouped b on b.record_id = l.record_id_r
            where a.group_key = b.group_key
              and not exists (select 1 from lw_refused x where x.a = l.record_id_l and x.b = l.record_id_r)
        ),
        best as (
            select record_id, max(probability) as membership,
                   arg_min(evidence, rank * 10 - probability) as evidence
            from held group by record_id
        )
        select g.record_id, g.group_key, b.membership, coalesce(b.evidence, 'single') as evidence
        from grouped g left join best b using (record_id)
        order by g.record_id
        """
    ).to_arrow_table()
    return Grouping(table, sorted(refused, key=_link_order))


def _connected_components(con: duckdb.DuckDBPyConnection) -> None:
    """Fill lw_components (record_id, component = smallest record id of its component) using
    Splink's connected components."""
    db_api = DuckDBAPI(connection=con)
    nodes = con.sql("select record_id from lw_nodes").to_arrow_table()
    edges = con.sql("select record_id_l, record_id_r from lw_links").to_arrow_table()
    if edges.num_rows == 0:
        con.execute("create temp table lw_components as select record_id, record_id as component from lw_nodes")
        return
    clusters = cluster_pairwise_predictions_at_threshold(nodes, edges, db_api=db_api, node_id_column_name="record_id")
    con.register("lw_clusters", clusters.as_pyarrow_table().select(["record_id", "cluster_id"]))
    con.execute(
        """
        create temp table lw_components as
        select record_id, min(record_id) over (partition by cluster_id) as component from lw_clusters
        """
    )


def _conflicted_components(con: duckdb.DuckDBPyConnection, identifier_columns: list[str]) -> set[str]:
    """Components holding two different values of one identifier, or both ends of a rejected pair."""
    found: set[str] = set()
    if identifier_columns:
        having = " or ".join(f"count(distinct n.{name}) > 1" for name in identifier_columns)
        rows = con.sql(
            "select c.component from lw_components c join lw_nodes n using (record_id) "
            f"group by c.component having {having}"
        ).fetchall()
        found.update(row[0] for row in rows)
    rows = con.sql(
        """
        select a.component from lw_rejected x
        join lw_components a on a.record_id = x.a join lw_components b on b.record_id = x.b
        where a.component = b.component
        """
    ).fetchall()
    found.update(row[0] for row in rows)
    return found


def _link_order(link: Link) -> tuple[int, float, str, str]:
    rank = EVIDENCE_ORDER.index(link.evidence) if link.evidence in EVIDENCE_ORDER else len(EVIDENCE_ORDER)
    return (rank, -link.probability, *ordered(link.left, link.right))


def _rebuild(
    members: list[str],
    links: list[Link],
    identifiers: Mapping[str, Mapping[str, str]],
    rejected_by_record: Mapping[str, set[str]],
) -> tuple[dict[str, str], list[Link]]:
    """Join one component's records link by link, strongest first, refusing conflicting joins.
    Returns record id -> group key, and the refused links."""
    root = {record: record for record in members}
    group_members = {record: {record} for record in members}
    group_ids: dict[str, dict[str, set[str]]] = {
        record: {name: {value} for name, value in identifiers.get(record, {}).items()} for record in members
    }

    def find(record: str) -> str:
        while root[record] != record:
            root[record] = root[root[record]]
            record = root[record]
        return record

    refused: list[Link] = []
    for link in sorted(links, key=_link_order):
        a, b = find(link.left), find(link.right)
        if a == b:
            continue
        apart = any(rejected_by_record.get(record, set()) & group_members[b] for record in group_members[a])
        # A reviewer's acceptance overrides differing identifiers; nothing overrides a rejection.
        clash = link.evidence != "review" and any(
            values and group_ids[b].get(name) and not values & group_ids[b][name]
            for name, values in group_ids[a].items()
        )
        if apart or clash:
            refused.append(link)
            continue
        if len(group_members[a]) < len(group_members[b]):
            a, b = b, a
        root[b] = a
        group_members[a] |= group_members.pop(b)
        for name, values in group_ids.pop(b).items():
            group_ids[a].setdefault(name, set()).update(values)
    groups: dict[str, str] = {}
    for records in group_members.values():
        key = min(records)
        groups.update({record: key for record in records})
    return groups, refused
