"""What other capabilities record, and the command line: a linkage run is a combination; the CLI
names its operator; `linewatch audit verify` exits 1 on a tampered chain; users and records
commands work end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from linewatch.cli.main import app
from linewatch.linkage.store_run import link_store
from linewatch.store.tables_access import audit_event
from tests.conftest import Store
from tests.linkage.helpers import load_people, person

runner = CliRunner()


def _cli(store: Store, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["--data-dir", str(store.settings.data_dir), "--database-url", store.settings.database_url, *args]
    )
    return result.exit_code, result.output


def test_a_linkage_run_is_recorded_as_a_combination_by_the_operator(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LINEWATCH_USER", "kim.analyst")
    load_people(store.engine, [
        person("N1", "police", given_name="Liam", surname="O'Connor", dob="2009-07-04"),
        person("H1", "health", given_name="William", surname="O'Connor", dob="2009-07-04"),
    ])  # fmt: skip
    run = link_store(store.settings, store.engine)
    with store.engine.connect() as connection:
        entry = connection.execute(select(audit_event).where(audit_event.c.operation == "combination")).mappings().one()
    assert entry["actor"] == "kim.analyst" and entry["role"] == "operator"
    assert entry["records"] == [f"linkage_run:{run.run_id}"] and entry["detail"]["records"] == 2


def test_users_commands_create_an_account_and_are_audited(store: Store) -> None:
    code, output = _cli(store, "users", "create", "sam.worker", "--agency", "social_care", "--role", "practitioner")
    assert code == 0 and "Password, shown once" in output
    code, output = _cli(store, "users", "create", "bad", "--agency", "nowhere", "--role", "practitioner")
    assert code == 2 and "unknown agency" in output
    code, output = _cli(store, "users", "set", "sam.worker", "--role", "panel_member")
    assert code == 0 and "panel_member at social_care" in output
    code, output = _cli(store, "users", "list")
    assert "sam.worker" in output
    with store.engine.connect() as connection:
        actions = connection.execute(select(audit_event.c.action)).scalars().all()
    assert "linewatch users create" in actions and "linewatch users set" in actions


def test_audit_verify_exits_non_zero_on_a_tampered_chain(store: Store) -> None:
    _cli(store, "users", "create", "sam.worker", "--agency", "social_care", "--role", "practitioner")
    code, output = _cli(store, "audit", "verify")
    assert code == 0 and "intact" in output
    checkpoints = store.settings.data_dir / "audit" / "checkpoints.jsonl"
    assert checkpoints.exists()
    with store.engine.begin() as connection:
        if store.backend == "postgresql":
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(text("UPDATE audit_event SET actor = 'nobody' WHERE seq = 1"))
    code, output = _cli(store, "audit", "verify")
    assert code == 1 and "entry 1 was edited" in output


def test_records_export_writes_the_subject_access_file(store: Store, tmp_path: Path) -> None:
    from tests.api.world import CHILD, build_world

    build_world(store.engine, store.settings.analytics_dir)
    out = tmp_path / "sar.json"
    code, output = _cli(store, "records", "export", CHILD, "--out", str(out), "--reason", "SAR-2026-9 from the child")
    assert code == 0, output
    assert "MKHEALTHCLINICAL" in out.read_text() and json.loads(out.read_text())["subject_id"] == CHILD
    code, output = _cli(store, "audit", "who", CHILD)
    assert code == 0 and f"Who looked at {CHILD}" in output
    with store.engine.connect() as connection:
        entry = connection.execute(select(audit_event).where(audit_event.c.operation == "disclosure")).mappings().one()
    assert entry["action"] == "linewatch records export" and entry["reason"] == "SAR-2026-9 from the child"


def test_review_decisions_and_listings_at_the_command_line_are_audited(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.api.world import build_world

    monkeypatch.setenv("LINEWATCH_USER", "kim.analyst")
    world = build_world(store.engine, store.settings.analytics_dir)
    assert _cli(store, "review", "list")[0] == 0
    assert _cli(store, "review", "reject", str(world.review_id), "--note", "twins")[0] == 0
    with store.engine.connect() as connection:
        rows = connection.execute(select(audit_event).order_by(audit_event.c.seq)).mappings().all()
    listed, decided = rows[-2], rows[-1]
    assert (listed["operation"], listed["records"]) == ("consultation", ["Person/police/P1", "Person/police/P2"])
    assert (decided["operation"], decided["actor"], decided["role"]) == ("alteration", "kim.analyst", "operator")
    assert decided["detail"] == {"review_id": world.review_id, "decision": "reject"}
