"""The domain model is defined once, in YAML, and everything else follows from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from linewatch.definitions import DefinitionError
from linewatch.model import PropertyType, SchemaKind, default_model, load_model
from linewatch.model.schema import SCHEMATA_DIR
from linewatch.store.tables import build_metadata, metadata

REQUIRED_SCHEMATA = {
    "Person", "Address", "Phone", "Handset", "Vehicle", "SocialMediaAccount", "Place", "Organisation", "Agency",
    "MissingEpisode", "ReturnHomeInterview", "Attendance", "Exclusion", "EducationPlacement", "SocialCareStatus",
    "PoliceIncident", "IntelligenceLog", "HealthAttendance", "SubstanceMisuse", "HousingTenancy", "ASBReport",
    "Concern", "Referral", "NRMReferral", "Sighting", "CallRecord", "Association",
}  # fmt: skip


def test_model_has_every_entity_and_record_the_hub_needs() -> None:
    assert set(default_model().schemata) >= REQUIRED_SCHEMATA


def test_every_reference_points_at_a_schema_that_exists() -> None:
    model = default_model()
    for schema in model:
        for prop in schema.properties.values():
            if prop.type is PropertyType.ref:
                assert prop.target in model, f"{schema.name}.{prop.name}"


def test_health_clinical_detail_is_classed_apart_for_redaction() -> None:
    prop = default_model()["HealthAttendance"].properties["clinical_detail"]
    assert prop.sensitivity.value == "health_clinical"
    assert default_model()["HealthAttendance"].properties["reason"].sensitivity.value == "health"


def test_each_table_has_provenance_and_a_column_per_property() -> None:
    for schema in default_model().of_kind(SchemaKind.entity, SchemaKind.record):
        table = metadata.tables[schema.table_name]
        for column in (
            "agency",
            "feed_id",
            "source_id",
            "ingested_at",
            "version",
            "is_current",
            "source_row",
        ):
            assert column in table.c, f"{schema.name} lacks {column}"
        for prop in schema.properties.values():
            assert prop.name in table.c
            assert (f"{prop.name}_valid" in table.c) == prop.is_identifier


def test_bulk_records_are_not_sql_tables() -> None:
    assert "call_record" not in metadata.tables
    assert "sighting" not in metadata.tables


def test_table_names_keep_acronyms_whole() -> None:
    assert default_model()["ASBReport"].table_name == "asb_report"
    assert default_model()["NRMReferral"].table_name == "nrm_referral"
    assert default_model()["MissingEpisode"].table_name == "missing_episode"


def _copy_schemata(tmp_path: Path) -> Path:
    folder = tmp_path / "schemata"
    folder.mkdir()
    for path in SCHEMATA_DIR.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text())
    return folder


def test_a_bad_property_type_is_reported_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy_schemata(tmp_path)
    path = folder / "Vehicle.yaml"
    path.write_text(path.read_text().replace("colour: {type: text", "colour: {type: colour"))
    with pytest.raises(DefinitionError) as caught:
        load_model(folder)
    assert caught.value.path == path
    assert (
        caught.value.line
        == path.read_text()
        .splitlines()
        .index(next(line for line in path.read_text().splitlines() if line.strip().startswith("colour:")))
        + 1
    )
    assert "properties.colour.type" in str(caught.value)


def test_an_enum_without_values_is_refused(tmp_path: Path) -> None:
    folder = _copy_schemata(tmp_path)
    (folder / "Vehicle.yaml").write_text(
        "name: Vehicle\nkind: entity\nlabel: V\nsensitivity: personal\nproperties:\n  body: {type: enum, label: Body}\n"
    )
    with pytest.raises(DefinitionError, match="enum property needs a list of values"):
        load_model(folder)


def test_a_reference_to_an_unknown_schema_is_refused(tmp_path: Path) -> None:
    folder = _copy_schemata(tmp_path)
    path = folder / "Vehicle.yaml"
    path.write_text(path.read_text() + "  keeper: {type: ref, schema: Keeper, label: Keeper}\n")
    with pytest.raises(DefinitionError, match="unknown schema 'Keeper'"):
        load_model(folder)


def test_migrations_create_exactly_the_tables_the_model_describes(store) -> None:  # type: ignore[no-untyped-def]
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_adding_a_property_is_one_yaml_edit_that_migrations_then_pick_up(store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = _copy_schemata(tmp_path)
    path = folder / "Vehicle.yaml"
    path.write_text(path.read_text() + "  fuel: {type: text, label: Fuel}\n")
    changed = build_metadata(load_model(folder))
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), changed)
    # Tables of capabilities outside the model (linkage ...) are not in `changed`: ignore their removal.
    model_changes = [d for d in differences if d[0] not in ("remove_table", "remove_index")]
    assert [(d[0], d[2], d[3].name) for d in model_changes] == [("add_column", "vehicle", "fuel")]


def test_api_schemas_follow_the_model() -> None:
    from pydantic import ValidationError

    from linewatch.model.api_schemas import record_model

    episode = record_model("MissingEpisode")
    base = {
        "id": 1,
        "agency": "police",
        "source_id": "MIS/1",
        "version": 1,
        "feed_id": 1,
        "ingested_at": "2026-06-01T00:00:00",
    }
    parsed = episode.model_validate(
        {
            **base,
            "police_risk_grade": "high",
            "found_postcode": "CV32 4AA",
            "found_postcode_valid": True,
        }
    )
    assert parsed.model_dump()["police_risk_grade"] == "high"
    with pytest.raises(ValidationError):
        episode.model_validate({**base, "police_risk_grade": "severe"})
    schema = episode.model_json_schema()
    assert schema["properties"]["reported_at"]["title"] == "Reported missing"
