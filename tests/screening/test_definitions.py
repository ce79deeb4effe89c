"""The indicators file: the shipped one loads, and every mistake in an edited one is an error
naming the file and the line to fix. Its words are those of safeguarding, not of criminalising."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from linewatch.definitions import DefinitionError
from linewatch.screening.definitions import SHIPPED_INDICATORS, Kind, Level, indicators_path, load_indicators

INDICATOR = """
  - id: {id}
    label: A test indicator
    kind: warning_sign
    weight: 2
    source: [coventry_guide]
    record: {record}
    window_days: 90
    where:
      - {condition}
"""


def edited(
    tmp_path: Path,
    record: str = "MissingEpisode",
    condition: str = "{field: episode_type, in: [missing]}",
    indicator_id: str = "test_indicator",
    replace: tuple[str, str] | None = None,
) -> Path:
    text = SHIPPED_INDICATORS.read_text(encoding="utf-8")
    text += INDICATOR.format(id=indicator_id, record=record, condition=condition)
    if replace:
        text = text.replace(*replace)
    path = tmp_path / "indicators.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return max(number for number, line in enumerate(lines, start=1) if needle in line)


def test_shipped_indicators_load_with_every_kind_present() -> None:
    definitions = load_indicators()
    kinds = {indicator.kind for indicator in definitions.indicators}
    assert kinds == {Kind.warning_sign, Kind.risk_factor, Kind.protective_factor}
    assert definitions.levels.emerging < definitions.levels.moderate < definitions.levels.significant
    assert definitions.file.scope.max_age == 25


def test_an_edited_file_with_a_new_indicator_loads(tmp_path: Path) -> None:
    definitions = load_indicators(edited(tmp_path))
    assert definitions.indicator("test_indicator").weight == 2


def test_an_unknown_field_names_the_file_and_line(tmp_path: Path) -> None:
    path = edited(tmp_path, condition="{field: found_distnce_km, at_least: 10}")
    with pytest.raises(DefinitionError) as error:
        load_indicators(path)
    assert error.value.path == path
    assert error.value.line == line_of(path, "found_distnce_km")
    assert "MissingEpisode has no field 'found_distnce_km'" in str(error.value)


def test_a_value_outside_an_enum_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, condition="{field: episode_type, in: [runaway]}")
    with pytest.raises(DefinitionError, match="has no value 'runaway'") as error:
        load_indicators(path)
    assert error.value.line == line_of(path, "runaway")


def test_an_operator_that_does_not_fit_the_field_type_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="is number: 'contains_any' does not apply"):
        load_indicators(edited(tmp_path, condition="{field: found_distance_km, contains_any: [far]}"))


def test_a_condition_with_two_operators_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, condition="{field: found_distance_km, at_least: 10, at_most: 20}")
    with pytest.raises(DefinitionError, match="exactly one of") as error:
        load_indicators(path)
    assert error.value.line is not None and error.value.line >= line_of(path, "test_indicator")


def test_an_unknown_record_type_is_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, record="Tweet")
    with pytest.raises(DefinitionError, match="unknown record type 'Tweet'") as error:
        load_indicators(path)
    assert error.value.line == line_of(path, "Tweet")


def test_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError, match="'missing_episode' is used twice"):
        load_indicators(edited(tmp_path, indicator_id="missing_episode"))


def test_an_unknown_source_is_refused(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        replace=(
            "    source: [coventry_guide]\n    record: MissingEpisode\n    window_days: 90",
            "    source: [a_blog]\n    record: MissingEpisode\n    window_days: 90",
        ),
    )
    with pytest.raises(DefinitionError, match="unknown source 'a_blog'"):
        load_indicators(path)


def test_thresholds_that_do_not_rise_are_refused(tmp_path: Path) -> None:
    path = edited(tmp_path, replace=("  significant: 10", "  significant: 4"))
    with pytest.raises(DefinitionError, match="thresholds must rise") as error:
        load_indicators(path)
    assert error.value.line == line_of(path, "levels:")


def test_a_negative_weight_is_refused(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        replace=(
            "    weight: 2\n    source: [coventry_guide]\n    record: MissingEpisode\n    window_days: 90",
            "    weight: -2\n    source: [coventry_guide]\n    record: MissingEpisode\n    window_days: 90",
        ),
    )
    with pytest.raises(DefinitionError, match="weight") as error:
        load_indicators(path)
    assert error.value.line == line_of(path, "weight: -2")


def test_a_file_that_is_not_yaml_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text("scope:\n  min_age: 8\n  max_age: [25\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="not valid YAML") as error:
        load_indicators(path)
    assert error.value.line is not None


def test_a_workspace_file_replaces_the_shipped_one(tmp_path: Path) -> None:
    assert indicators_path(tmp_path) == SHIPPED_INDICATORS
    local = tmp_path / "screening" / "indicators.yaml"
    local.parent.mkdir()
    local.write_text(SHIPPED_INDICATORS.read_text(encoding="utf-8"), encoding="utf-8")
    assert indicators_path(tmp_path) == local
    assert indicators_path(tmp_path, tmp_path / "other.yaml") == tmp_path / "other.yaml"


CRIMINALISING = re.compile(r"\b(suspects?|offenders?|perpetrators?|criminals|gang members?|dealers?)\b", re.IGNORECASE)


def test_labels_speak_of_children_at_risk_never_of_suspects() -> None:
    definitions = load_indicators()
    texts = [indicator.label for indicator in definitions.indicators]
    texts += [indicator.note or "" for indicator in definitions.indicators]
    texts += [level.label for level in Level]
    offending = [text for text in texts if CRIMINALISING.search(text)]
    assert offending == []


def test_the_language_check_would_catch_a_criminalising_label() -> None:
    assert CRIMINALISING.search("Known drug dealer")
    assert CRIMINALISING.search("Suspect in a stabbing")
    assert not CRIMINALISING.search("Criminal exploitation named in the assessment")
