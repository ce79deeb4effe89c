"""A mapping is checked against the model when it is loaded, before any data is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from linewatch.definitions import DefinitionError
from linewatch.feeds.mapping import SHIPPED_MAPPINGS, find_mapping, load_mapping
from tests.feeds.helpers import MISSING_MAPPING


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = MISSING_MAPPING.read_text()
    assert old in text
    path = tmp_path / "variant.yaml"
    path.write_text(text.replace(old, new))
    return path


def _line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def test_the_test_mapping_loads() -> None:
    mapping = load_mapping(MISSING_MAPPING)
    required, optional = mapping.columns_needed()
    assert "Occurrence" in required and "NHS No" in optional


def test_unknown_property_is_named_with_its_line(tmp_path: Path) -> None:
    path = _variant(tmp_path, "returned_at: {column: Found}", "found_at: {column: Found}")
    with pytest.raises(DefinitionError) as caught:
        load_mapping(path)
    assert "MissingEpisode has no property 'found_at'" in str(caught.value)
    assert caught.value.line == _line_of(path, "found_at:")


def test_code_that_maps_outside_the_model_enum_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, "H: high", "H: severe")
    with pytest.raises(DefinitionError, match="codes map to \\['severe'\\]"):
        load_mapping(path)


def test_reference_to_an_entity_not_in_the_mapping_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, "person: {entity: child}", "person: {entity: kid}")
    with pytest.raises(DefinitionError, match="refers to entity 'kid'"):
        load_mapping(path)


def test_required_property_left_unmapped_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, "      reported_at: {column: Reported}\n", "")
    with pytest.raises(DefinitionError, match=r"MissingEpisode\.reported_at is required but not mapped"):
        load_mapping(path)


def test_misspelt_option_is_refused(tmp_path: Path) -> None:
    path = _variant(tmp_path, "{column: DOB}", "{colum: DOB}")
    with pytest.raises(DefinitionError, match="Extra inputs are not permitted"):
        load_mapping(path)


def test_unknown_mapping_name_lists_the_shipped_ones() -> None:
    with pytest.raises(DefinitionError, match="no such mapping"):
        find_mapping("no_such_format")


@pytest.mark.parametrize("path", sorted(SHIPPED_MAPPINGS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_mapping_is_valid(path: Path) -> None:
    mapping = load_mapping(path)
    assert mapping.name == path.stem
