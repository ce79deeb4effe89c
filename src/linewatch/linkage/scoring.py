"""Scoring pairs with a trained model on the chosen engine, and the exact-identifier rule.

* Model pairs: Splink's predictions at or above a floor probability (the bottom of the review
  band), with each comparison's level and weight kept so every score can be explained.
* Identifier pairs: two records with the same valid NHS number, UPN or PNC ID are the same person
  whatever else differs. Found by a plain join, not the model, so a typo-riddled record with the
  right NHS number is still linked.

Incremental scoring compares only what is new: new records against each other and against the
records already linked, with term frequencies taken from all records so scores equal a full run's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
from splink import Linker, SettingsCreator
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.splink_dataframe import SplinkDataFrame

from linewatch.linkage.columns import STRONG_IDENTIFIERS
from linewatch.linkage.engines import LinkageEngine
from linewatch.linkage.model import SOURCE_DATASET, UNIQUE_ID, LinkType, Rule

# Above this many records, blocking-rule pair counts are estimated from a sample.
EXACT_COUNT_LIMIT = 300_000
COUNT_SAMPLE = 0.1

TF_COLUMNS = ("given_name", "surname")


def make_linker(sdf: SplinkDataFrame, settings: SettingsCreator | Mapping[str, Any]) -> Linker:
    # Splink's logging is left unconfigured: its warnings are collected (splink_messages.py).
    if isinstance(settings, SettingsCreator):
        return Linker(sdf, settings, log_level=None)
    return Linker(sdf, dict(settings), log_level=None)


def score_columns(settings: Mapping[str, Any]) -> list[str]:
    """The prediction columns kept: ids, scores, and each comparison's level and weights."""
    columns = ["record_id_l", "record_id_r", "match_weight", "match_probability"]
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        columns += [f"gamma_{name}", f"mw_{name}"]
        if any(level.get("tf_adjustment_column") for level in comparison["comparison_levels"]):
            columns.append(f"mw_tf_adj_{name}")
    return columns


def _kept(engine: LinkageEngine, predictions: SplinkDataFrame, settings: Mapping[str, Any]) -> pa.Table:
    columns = ", ".join(score_columns(settings))
    selected = predictions.query_sql(f"select {columns} from {{this}}")
    table = engine.to_arrow(selected)
    selected.drop_table_from_database_and_remove_from_cache()
    predictions.drop_table_from_database_and_remove_from_cache()
    return orient(table)


def orient(pairs: pa.Table) -> pa.Table:
    """Each pair once, smaller record id on the left (predict_between has no order)."""
    con = duckdb.connect()
    try:
        con.register("lw_pairs", pairs)
        names = pairs.column_names
        swapped = [
            "record_id_r as record_id_l"
            if n == "record_id_l"
            else "record_id_l as record_id_r"
            if n == "record_id_r"
            else n
            for n in names
        ]
        return con.sql(
            f"""
            select * from (
                select {", ".join(names)} from lw_pairs where record_id_l < record_id_r
                union all
                select {", ".join(swapped)} from lw_pairs where record_id_l > record_id_r
            )
            qualify row_number() over (partition by record_id_l, record_id_r order by match_weight desc) = 1
            order by record_id_l, record_id_r
            """
        ).to_arrow_table()
    finally:
        con.close()


def score_all(engine: LinkageEngine, linker: Linker, settings: Mapping[str, Any], floor: float) -> pa.Table:
    """Every blocked pair at or above ``floor``."""
    for column in _tf_columns(settings):
        linker.table_management.compute_tf_table(column)
    predictions = linker.inference.predict(threshold_match_probability=floor, warning_mode="never")
    return _kept(engine, predictions, settings)


def score_new(
    engine: LinkageEngine,
    linker: Linker,
    settings: Mapping[str, Any],
    existing: SplinkDataFrame,
    new: SplinkDataFrame,
    floor: float,
) -> pa.Table:
    """Pairs involving a new record at or above ``floor``. ``linker`` holds all records, so
    its term-frequency tables are the full run's."""
    for column in _tf_columns(settings):
        linker.table_management.compute_tf_table(column)
    between = linker.inference.predict_between(existing, new, threshold_match_probability=floor, warning_mode="never")
    within = linker.inference.predict_within(new, threshold_match_probability=floor, warning_mode="never")
    return orient(pa.concat_tables([_kept(engine, between, settings), _kept(engine, within, settings)]))


def _tf_columns(settings: Mapping[str, Any]) -> list[str]:
    columns = []
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column and column not in columns:
                columns.append(column)
    return columns


def identifier_pairs(
    cleaned: pa.Table, new_ids: Sequence[str] | None = None, *, across_sources: bool = False
) -> pa.Table:
    """Pairs sharing a valid strong identifier: (record_id_l, record_id_r, identifier), each pair
    once under its first shared identifier. With ``new_ids``, only pairs touching a new record;
    with ``across_sources``, only pairs from different sources (agencies or files)."""
    present = [name for name in STRONG_IDENTIFIERS if name in cleaned.column_names]
    schema = pa.schema([("record_id_l", pa.string()), ("record_id_r", pa.string()), ("identifier", pa.string())])
    if not present:
        return schema.empty_table()
    con = duckdb.connect()
    try:
        con.register("lw_cleaned", cleaned.select([UNIQUE_ID, "agency", *present]))
        con.register("lw_new", pa.table({"record_id": pa.array(list(new_ids or []), pa.string())}))
        touching_new = (
            "and (a.record_id in (select record_id from lw_new) or b.record_id in (select record_id from lw_new))"
            if new_ids is not None
            else ""
        )
        if across_sources:
            touching_new += " and a.agency <> b.agency"
        joins = [
            f"""
            select a.record_id as record_id_l, b.record_id as record_id_r, '{name}' as identifier, {rank} as rank
            from lw_cleaned a join lw_cleaned b on a.{name} = b.{name} and a.record_id < b.record_id
            where a.{name} is not null {touching_new}
            """
            for rank, name in enumerate(present)
        ]
        return con.sql(
            f"""
            select record_id_l, record_id_r, identifier from ({" union all ".join(joins)})
            qualify row_number() over (partition by record_id_l, record_id_r order by rank) = 1
            order by record_id_l, record_id_r
            """
        ).to_arrow_table()
    finally:
        con.close()


@dataclass(frozen=True, slots=True)
class RuleCount:
    rule: str
    why: str
    pairs: int  # pairs this rule adds beyond the rules before it
    cumulative: int
    estimated: bool


def count_pairs(
    sdf: SplinkDataFrame, rules: Sequence[Rule], records: int, link_type: LinkType = "dedupe_only"
) -> list[RuleCount]:
    """How many pairs each prediction blocking rule adds, as Splink counts them."""
    if not rules:
        return []
    proportion = 1.0 if records <= EXACT_COUNT_LIMIT else COUNT_SAMPLE
    counts = count_comparisons_from_blocking_rules(
        sdf,
        blocking_rules=[rule.creator() for rule in rules],
        link_type=link_type,
        unique_id_column_name=UNIQUE_ID,
        source_dataset_column_name=SOURCE_DATASET if link_type != "dedupe_only" else None,
        record_sample_proportion=proportion,
    )
    return [
        RuleCount(
            rule.name,
            rule.why,
            int(count["marginal_comparison_count"]),
            int(count["cumulative_comparison_count"]),
            bool(count["is_estimate"]),
        )
        for rule, count in zip(rules, counts, strict=True)
    ]
