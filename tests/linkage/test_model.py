"""Trained models: saved as versioned files with an offline chart, usable on either engine,
and explained in words."""

from __future__ import annotations

import re
from pathlib import Path

from linewatch.linkage.engines import DuckDBEngine
from linewatch.linkage.explain import level_weights, reasons
from linewatch.linkage.model_store import ModelStore, prior_model
from linewatch.linkage.people import link_people
from linewatch.linkage.practice_data import practice_people
from linewatch.linkage.quality import pairwise_scores


def test_a_trained_model_is_saved_versioned_with_an_offline_chart(tmp_path: Path) -> None:
    practice = practice_people(220, seed=2)  # about 650 records: enough to train on
    models = ModelStore(tmp_path / "models")
    with DuckDBEngine() as engine:
        first = link_people(practice.records, engine, models=models)
    assert first.model.version == 1 and models.versions() == [1]
    html = (tmp_path / "models" / "person-v0001-match-weights.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=\"https?://", html), "the chart must open without a network"
    assert (tmp_path / "models" / "person-v0001-match-weights.vl.json").exists()
    table = (tmp_path / "models" / "person-v0001-match-weights.csv").read_text(encoding="utf-8")
    assert "Nickname of the same name" in table and "Day and month swapped" in table
    notes = " ".join(first.model.meta["notes"])
    assert "u probabilities from" in notes and "m probabilities by EM" in notes
    assert pairwise_scores(first.grouping.group_of(), practice.person_of).f1 > 0.95


def test_the_prior_model_runs_on_spark_sql_too() -> None:
    settings = prior_model().settings_for_engine("spark", ["given_name", "surname", "dob"])
    sql = " ".join(
        level["sql_condition"] for comparison in settings["comparisons"] for level in comparison["comparison_levels"]
    )
    assert "`given_name_l`" in sql and '"given_name_l"' not in sql
    assert all(
        level.get("m_probability")
        for comparison in settings["comparisons"]
        for level in comparison["comparison_levels"]
        if not level.get("is_null_level")
    )


def test_reasons_name_each_level_and_add_up_to_the_weight() -> None:
    model = prior_model().settings
    gamma = {(w.comparison, w.level): w.gamma for w in level_weights(model)}
    nickname = gamma[("given_name", "Nickname of the same name")]
    swapped = gamma[("dob", "Day and month swapped")]
    assert nickname > swapped > 0  # levels count down to 0 ("all other comparisons")
    pair = {"gamma_given_name": nickname, "mw_given_name": 4.0, "mw_tf_adj_given_name": 0.5}
    pair |= {"gamma_dob": swapped, "mw_dob": 8.0, "gamma_sex": -1}
    text = reasons(pair, model)
    assert "given_name: Nickname of the same name +4.5" in text and "dob: Day and month swapped +8.0" in text
    assert "sex" not in text
