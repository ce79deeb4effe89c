"""Linking person records into groups, one per real person: the pipeline every entry point shares
(the store's ``linewatch link``, analysts' CSV files, the benchmark), with no store or file access
of its own.

standardise -> model (trained now, or a saved one) -> blocking-rule pair counts -> scored pairs ->
links (model pairs at or above the threshold, identifier pairs, accepted decisions, minus rejected
ones) -> groups -> the uncertain pairs to review.

Full runs score every blocked pair. Incremental runs score only pairs touching a new record; the
records already linked stay joined through their existing subject, so the outcome equals a full
run with the same model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linewatch.linkage.clustering import LINK_SCHEMA, Grouping, Link, Pair, group_records, links_table, ordered
from linewatch.linkage.columns import STRONG_IDENTIFIERS
from linewatch.linkage.engines import LinkageEngine
from linewatch.linkage.explain import level_labels, reasons
from linewatch.linkage.model import SOURCE_DATASET, LinkType, prediction_rules, rules_for, settings_for
from linewatch.linkage.model_store import ModelStore, SavedModel, model_meta, prior_model
from linewatch.linkage.scoring import RuleCount, count_pairs, identifier_pairs, make_linker, score_all, score_new
from linewatch.linkage.splink_messages import splink_warnings
from linewatch.linkage.standardise import evidence_present, standardise
from linewatch.linkage.training import (
    MINIMUM_TRAINING_RECORDS,
    TrainingPlan,
    estimate_match_chance,
    monotone_weights,
    train,
)

# Documented in docs/linkage.md: pairs at or above LINK_THRESHOLD are the same person; pairs from
# REVIEW_FROM up to it, between different subjects, go to a person to decide.
LINK_THRESHOLD = 0.9
REVIEW_FROM = 0.5

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LinkOptions:
    threshold: float = LINK_THRESHOLD
    review_from: float = REVIEW_FROM
    link_type: LinkType = "dedupe_only"
    model_kind: str = "person"  # or "encoded_person" for pseudonymised records
    training: TrainingPlan = field(default_factory=TrainingPlan)
    count_blocked_pairs: bool = True


@dataclass(frozen=True, slots=True)
class Decisions:
    """What reviewers decided: accepted pairs are linked, rejected pairs are never in one group."""

    accepted: tuple[Pair, ...] = ()
    rejected: tuple[Pair, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewCandidate:
    record_id_l: str
    record_id_r: str
    match_probability: float
    match_weight: float
    reasons: str


@dataclass
class PeopleLinkage:
    grouping: Grouping
    pairs: pa.Table  # scored pairs at or above the review floor, with levels and weights
    identifier_links: int
    review: list[ReviewCandidate]
    blocking: list[RuleCount]
    model: SavedModel
    records: int
    records_scored: int
    seconds: dict[str, float] = field(default_factory=dict)
    engine_notes: list[str] = field(default_factory=list)  # Splink's warnings during the run

    def report(self) -> dict[str, Any]:
        return {
            "model": self.model.label(),
            "records": self.records,
            "records_scored": self.records_scored,
            "pairs_scored": self.pairs.num_rows,
            "identifier_links": self.identifier_links,
            "blocking_rules": [
                {"rule": c.rule, "why": c.why, "pairs": c.pairs, "cumulative": c.cumulative, "estimated": c.estimated}
                for c in self.blocking
            ],
            "training_notes": self.model.meta.get("notes", []),
            "engine_notes": self.engine_notes,
            "seconds": {step: round(value, 2) for step, value in self.seconds.items()},
        }


class _Clock:
    def __init__(self, progress: Progress):
        self.progress = progress
        self.seconds: dict[str, float] = {}
        self._step: str | None = None
        self._started = 0.0

    def step(self, name: str, message: str) -> None:
        self.stop()
        self._step, self._started = name, time.perf_counter()
        self.progress(message)

    def stop(self) -> None:
        if self._step is not None:
            self.seconds[self._step] = self.seconds.get(self._step, 0.0) + time.perf_counter() - self._started
            self._step = None


def link_people(
    records: pa.Table,
    engine: LinkageEngine,
    *,
    model: SavedModel | None = None,
    models: ModelStore | None = None,
    existing: Mapping[str, str] | None = None,
    decisions: Decisions = Decisions(),
    options: LinkOptions = LinkOptions(),
    progress: Progress = lambda _: None,
) -> PeopleLinkage:
    """Link standard ``records``. With ``model`` the saved model is used; otherwise one is trained
    (and saved as the next version in ``models`` when given). With ``existing`` (record id ->
    group, for records linked before and unchanged) only pairs touching the other records are
    scored."""
    clock = _Clock(progress)
    clock.step("standardise", f"standardising {records.num_rows:,} records")
    cleaned = standardise(records)
    return link_prepared(
        cleaned,
        engine,
        model=model,
        models=models,
        existing=existing,
        decisions=decisions,
        options=options,
        clock=clock,
    )


def link_prepared(
    cleaned: pa.Table,
    engine: LinkageEngine,
    *,
    model: SavedModel | None = None,
    models: ModelStore | None = None,
    existing: Mapping[str, str] | None = None,
    decisions: Decisions = Decisions(),
    options: LinkOptions = LinkOptions(),
    progress: Progress = lambda _: None,
    clock: _Clock | None = None,
) -> PeopleLinkage:
    """``link_people`` for records already standardised (or encoded: see privacy.py)."""
    with splink_warnings() as messages:
        linkage = _link(cleaned, engine, model, models, existing, decisions, options, clock or _Clock(progress))
    linkage.engine_notes = messages
    return linkage


def _link(
    cleaned: pa.Table,
    engine: LinkageEngine,
    model: SavedModel | None,
    models: ModelStore | None,
    existing: Mapping[str, str] | None,
    decisions: Decisions,
    options: LinkOptions,
    clock: _Clock,
) -> PeopleLinkage:
    columns = evidence_present(cleaned)
    if options.link_type != "dedupe_only":
        # Linking several files: the agency column names the file each record came from.
        cleaned = cleaned.append_column(SOURCE_DATASET, cleaned.column("agency"))
    sdf = engine.register(cleaned, "people")
    if model is None:
        model = _trained_model(engine, sdf, cleaned, columns, models, options, clock)
    settings = model.settings_for_engine(engine.db_api.sql_dialect.sql_dialect_str, columns, options.link_type)
    linker = make_linker(sdf, settings)

    blocking: list[RuleCount] = []
    if options.count_blocked_pairs and existing is None:
        clock.step("count", "counting the pairs each blocking rule generates")
        blocking = count_pairs(
            sdf, rules_for(columns, prediction_rules(options.model_kind)), cleaned.num_rows, options.link_type
        )

    new_ids: list[str] | None = None
    if existing is None:
        clock.step("score", "scoring blocked pairs")
        pairs = score_all(engine, linker, settings, options.review_from)
        records_scored = cleaned.num_rows
    else:
        all_ids = cleaned.column("record_id").to_pylist()
        new_ids = [record for record in all_ids if record not in existing]
        clock.step("score", f"scoring pairs touching {len(new_ids):,} new records")
        new_mask = pa.array([record not in existing for record in all_ids])
        old = engine.register(cleaned.filter(pc.invert(new_mask)), "linked")
        new = engine.register(cleaned.filter(new_mask), "new")
        pairs = score_new(engine, linker, settings, old, new, options.review_from)
        records_scored = len(new_ids)

    clock.step("identifiers", "linking records that share a valid identifier")
    forced = identifier_pairs(cleaned, new_ids, across_sources=options.link_type == "link_only")
    clock.step("group", "grouping records into people")
    links = _links(pairs, forced, decisions.accepted, options.threshold, existing)
    identifiers = cleaned.select(["record_id", *[name for name in STRONG_IDENTIFIERS if name in cleaned.column_names]])
    grouping = group_records(identifiers, links, decisions.rejected)
    clock.step("review", "choosing pairs for review")
    review = _review_candidates(pairs, grouping, decisions, options, model.settings)
    clock.stop()
    return PeopleLinkage(
        grouping=grouping,
        pairs=pairs,
        identifier_links=forced.num_rows,
        review=review,
        blocking=blocking,
        model=model,
        records=cleaned.num_rows,
        records_scored=records_scored,
        seconds=clock.seconds,
    )


def _trained_model(
    engine: LinkageEngine,
    sdf: Any,
    cleaned: pa.Table,
    columns: list[str],
    models: ModelStore | None,
    options: LinkOptions,
    clock: _Clock,
) -> SavedModel:
    records = cleaned.num_rows
    if records < MINIMUM_TRAINING_RECORDS and options.model_kind == "person":
        prior = prior_model()
        note = (
            f"{records:,} records are too few to train on (under {MINIMUM_TRAINING_RECORDS:,}): used the prior model."
        )
        return SavedModel(prior.settings, {**prior.meta, "notes": [*prior.meta.get("notes", []), note]})
    clock.step("train", "training the model")
    plan = options.training
    say = lambda message: clock.progress(f"training: {message}")  # noqa: E731
    sample = cleaned
    if records > plan.sample_records:
        keep = np.random.default_rng(plan.seed).random(records) < plan.sample_records / records
        sample = cleaned.filter(pa.array(keep))
    sample_sdf = sdf if sample is cleaned else engine.register(sample, "training_sample")
    linker = make_linker(sample_sdf, settings_for(columns, options.link_type, options.model_kind))
    notes = train(linker, columns, plan, step=say)
    trained = linker.misc.save_model_to_json()
    for line in monotone_weights(trained):
        notes.add(line)
    dialect = engine.db_api.sql_dialect.sql_dialect_str
    settings = SavedModel(trained, {"kind": options.model_kind, "columns": columns}).settings_for_engine(
        dialect, columns, options.link_type
    )
    linker = make_linker(sdf, settings)
    if sample is not cleaned:
        notes.add(f"m and u trained on a random sample of {sample.num_rows:,} of the {records:,} records.")
        estimate_match_chance(linker, columns, plan, notes, say)
    meta = model_meta(columns, records, notes.lines, engine.name, options.model_kind)
    if models is not None:
        return models.save(linker, meta)
    return SavedModel(linker.misc.save_model_to_json(), meta)


def _links(
    pairs: pa.Table, forced: pa.Table, accepted: Iterable[Pair], threshold: float, existing: Mapping[str, str] | None
) -> pa.Table:
    """All links as one table: model pairs at or above the threshold, identifier pairs,
    accepted pairs and, for incremental runs, the records of each earlier subject."""
    model_links = pairs.filter(pc.greater_equal(pairs.column("match_probability"), threshold))
    parts = [
        pa.table({
            "record_id_l": model_links.column("record_id_l"), "record_id_r": model_links.column("record_id_r"),
            "probability": model_links.column("match_probability").cast(pa.float64()),
            "evidence": pa.array(["model"] * model_links.num_rows, pa.string()),
        }, schema=LINK_SCHEMA),
        pa.table({
            "record_id_l": forced.column("record_id_l"), "record_id_r": forced.column("record_id_r"),
            "probability": pa.array([1.0] * forced.num_rows, pa.float64()), "evidence": forced.column("identifier"),
        }, schema=LINK_SCHEMA),
        links_table(Link(a, b, 1.0, "review") for a, b in accepted),
    ]  # fmt: skip
    if existing is not None:
        parts.append(links_table(_subject_links(existing)))
    return pa.concat_tables(parts)


def _subject_links(existing: Mapping[str, str]) -> list[Link]:
    """Chain the records of each earlier subject so they stay together."""
    members: dict[str, list[str]] = {}
    for record, group in existing.items():
        members.setdefault(group, []).append(record)
    links = []
    for records in members.values():
        records.sort()
        links += [Link(a, b, 1.0, "subject") for a, b in pairwise(records)]
    return links


def _review_candidates(
    pairs: pa.Table, grouping: Grouping, decisions: Decisions, options: LinkOptions, model: Mapping[str, Any]
) -> list[ReviewCandidate]:
    """Uncertain pairs between different groups, and model links refused for a conflict."""
    decided = {ordered(a, b) for a, b in (*decisions.accepted, *decisions.rejected)}
    refused = {ordered(link.left, link.right) for link in grouping.refused if link.evidence == "model"}
    con = duckdb.connect()
    try:
        con.register("lw_pairs", pairs)
        con.register("lw_groups", grouping.table.select(["record_id", "group_key"]))
        con.register(
            "lw_refused",
            pa.table(
                {"a": [a for a, _ in refused], "b": [b for _, b in refused]},
                schema=pa.schema([("a", pa.string()), ("b", pa.string())]),
            ),
        )
        rows = (
            con.sql(
                f"""
            select p.* from lw_pairs p
            join lw_groups a on a.record_id = p.record_id_l
            join lw_groups b on b.record_id = p.record_id_r
            where (a.group_key <> b.group_key and p.match_probability >= {options.review_from}
                   and p.match_probability < {options.threshold})
               or exists (select 1 from lw_refused x where x.a = p.record_id_l and x.b = p.record_id_r)
            order by p.match_probability desc, p.record_id_l, p.record_id_r
            """
            )
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        con.close()
    labels = level_labels(model)
    return [
        ReviewCandidate(
            row["record_id_l"],
            row["record_id_r"],
            row["match_probability"],
            row["match_weight"],
            reasons(row, model, labels),
        )
        for row in rows
        if ordered(row["record_id_l"], row["record_id_r"]) not in decided
    ]
