"""Trained models as versioned files in the workspace: ``linkage/models/person-v0003.json`` is the
Splink model (settings and every trained m and u probability), with beside it the facts of its
training (``.meta.json``) and its match-weights chart (``-match-weights.html`` with the chart
libraries inlined so it opens offline, ``-match-weights.vl.json`` the Vega-Lite spec, and
``-match-weights.csv`` the same numbers as a plain table).

A saved model's SQL is written for the engine that trained it. To use it on another engine the
model is rebuilt from the comparison definitions in model.py for that engine, and the trained
parameters are copied across level by level; a model whose levels no longer match the code is
refused with a message to retrain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from splink import Linker

from linewatch.linkage.errors import LinkageError
from linewatch.linkage.explain import level_weights
from linewatch.linkage.model import LinkType, settings_for
from linewatch.util.safe_csv import open_safe_csv

MODEL_FILE = re.compile(r"(?P<name>[a-z_]+)-v(?P<version>\d{4})\.json")
PARAMETER_KEYS = ("m_probability", "u_probability", "fix_m_probability", "fix_u_probability")


@dataclass(frozen=True, slots=True)
class SavedModel:
    """A trained model: Splink's settings dictionary and what we know about its training."""

    settings: dict[str, Any]
    meta: dict[str, Any]
    version: int | None = None  # None for the prior model shipped in the package
    path: Path | None = None

    @property
    def columns(self) -> list[str]:
        return list(self.meta["columns"])

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind", "person"))

    @property
    def link_type(self) -> LinkType:
        link_type: LinkType = self.settings["link_type"]
        return link_type

    def label(self) -> str:
        if self.meta.get("prior"):
            return "prior model"
        return "model (not saved)" if self.version is None else f"model v{self.version}"

    def settings_for_engine(
        self, dialect: str, columns: Collection[str] | None = None, link_type: LinkType | None = None
    ) -> dict[str, Any]:
        """The model for ``dialect`` (duckdb, spark), comparing ``columns`` (default: the model's
        own) for ``link_type`` (default: the model's). Comparisons for columns the model was not
        trained on are left out."""
        wanted = [column for column in (columns if columns is not None else self.columns) if column in self.columns]
        fresh = settings_for(wanted, link_type or self.link_type, self.kind).create_settings_dict(dialect)
        trained = {comparison["output_column_name"]: comparison for comparison in self.settings["comparisons"]}
        for comparison in fresh["comparisons"]:
            name = comparison["output_column_name"]
            source = trained.get(name)
            if source is None:
                raise LinkageError(f"{self.label()} has no comparison for {name}: retrain (linewatch link --retrain)")
            # Levels are matched by name: a level the data cannot reach (no UPRNs, say) drops out.
            trained_levels = {level["label_for_charts"]: level for level in source["comparison_levels"]}
            for level in comparison["comparison_levels"]:
                trained_level = trained_levels.get(level["label_for_charts"])
                if trained_level is None:
                    raise LinkageError(
                        f"{self.label()} has no level {level['label_for_charts']!r} for {name}: "
                        "retrain (linewatch link --retrain)"
                    )
                for key in PARAMETER_KEYS:
                    if key in trained_level:
                        level[key] = trained_level[key]
        fresh["probability_two_random_records_match"] = self.settings["probability_two_random_records_match"]
        return fresh


def model_meta(
    columns: Collection[str], records: int, notes: list[str], engine: str, kind: str = "person"
) -> dict[str, Any]:
    from linewatch import __version__

    return {
        "kind": kind,
        "columns": list(columns),
        "records": records,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "linewatch_version": __version__,
        "notes": notes,
    }


class ModelStore:
    """The versioned models of one kind (``person``) in one workspace folder."""

    def __init__(self, directory: Path, name: str = "person"):
        self.directory = directory
        self.name = name

    def versions(self) -> list[int]:
        if not self.directory.exists():
            return []
        found = []
        for path in self.directory.iterdir():
            match = MODEL_FILE.fullmatch(path.name)
            if match and match["name"] == self.name:
                found.append(int(match["version"]))
        return sorted(found)

    def path(self, version: int) -> Path:
        return self.directory / f"{self.name}-v{version:04d}.json"

    def latest(self) -> SavedModel | None:
        versions = self.versions()
        return self.load(versions[-1]) if versions else None

    def load(self, version: int) -> SavedModel:
        path = self.path(version)
        if not path.exists():
            raise LinkageError(f"no {self.name} model v{version} in {self.directory}")
        meta_path = path.with_suffix(".meta.json")
        return SavedModel(
            json.loads(path.read_text(encoding="utf-8")),
            json.loads(meta_path.read_text(encoding="utf-8")),
            version,
            path,
        )

    def save(self, linker: Linker, meta: Mapping[str, Any]) -> SavedModel:
        """Write the linker's model as the next version, with its meta data and charts."""
        self.directory.mkdir(parents=True, exist_ok=True)
        version = (self.versions() or [0])[-1] + 1
        path = self.path(version)
        settings = linker.misc.save_model_to_json()
        _write_json(path, settings)
        _write_json(path.with_suffix(".meta.json"), dict(meta))
        export_match_weights(linker, settings, self.directory / f"{self.name}-v{version:04d}-match-weights")
        return SavedModel(settings, dict(meta), version, path)


def export_match_weights(linker: Linker, settings: Mapping[str, Any], stem: Path) -> list[Path]:
    """The match-weights chart three ways: offline HTML, Vega-Lite spec, CSV table."""
    chart = linker.visualisations.match_weights_chart()
    html = stem.with_suffix(".html")
    html.write_text(chart.to_html(inline=True), encoding="utf-8")
    spec = stem.with_suffix(".vl.json")
    _write_json(spec, chart.chart_dict)
    table = stem.with_suffix(".csv")
    handle, writer = open_safe_csv(table)
    with handle:
        writer.writerow(["comparison", "level", "m_probability", "u_probability", "match_weight"])
        for weight in level_weights(settings):
            writer.writerow(
                [
                    weight.comparison,
                    weight.level,
                    _number(weight.m_probability),
                    _number(weight.u_probability),
                    _number(weight.match_weight),
                ]
            )
    return [html, spec, table]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def _write_json(path: Path, data: Any) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    temporary.replace(path)


PRIOR_RESOURCE = ("linewatch.linkage", "data", "prior_person_model.json")


def prior_model() -> SavedModel:
    """The model shipped with the package, for inputs too small to train on."""
    package, folder, name = PRIOR_RESOURCE
    data = json.loads(resources.files(package).joinpath(folder).joinpath(name).read_text(encoding="utf-8"))
    return SavedModel(data["settings"], data["meta"])
