"""Screening results as the web API shows them: only the evidence records the caller's scope
opens, and only the reasons resting on such a record (a reason label such as "hospital
attendance for an assault" says as much as the record behind it). The level and score stay: they
are what the multi-agency panel shares, and the count of reasons withheld tells the caller to ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from linewatch.access.policy import Scope
from linewatch.model import default_model
from linewatch.records.holdings import subject_members
from linewatch.screening.models import EvidenceItem, SubjectChanges, SubjectScreening, TriagePage
from linewatch.screening.service import ScreeningNotFound, subject_screening
from linewatch.store.engine import StoreError
from linewatch.store.tables_screening import screening_evidence, screening_result


def sees_evidence(scope: Scope, schema_name: str, agency: str) -> bool:
    """An evidence record is shown when the caller may see its record type and class. A schema the
    model does not know is hidden (deny by default)."""
    model = default_model()
    if schema_name not in model:
        return False
    return scope.sees_record(agency, model[schema_name])


def visible(scope: Scope, items: Iterable[EvidenceItem]) -> list[EvidenceItem]:
    return [item for item in items if sees_evidence(scope, item.record_schema, item.agency)]


def evidence_ref(item: EvidenceItem) -> str:
    return f"{item.record_schema}/{item.agency}/{item.source_id}"


def sees_subject(connection: Connection, scope: Scope, subject_id: str) -> bool:
    """The caller sees at least one of the subject's person records (as the profile requires)."""
    person = default_model()["Person"]
    return any(scope.sees_record(m.agency, person) for m in subject_members(connection, subject_id))


def screening_view(scope: Scope, screening: SubjectScreening) -> tuple[dict[str, Any], list[str]]:
    """(the subject's screening with hidden evidence and reasons removed, references of records shown)."""
    reasons: list[dict[str, Any]] = []
    shown: list[str] = []
    withheld = 0
    for reason in screening.reasons:
        evidence = visible(scope, reason.evidence)
        if not evidence:
            withheld += 1
            continue
        shown += [evidence_ref(item) for item in evidence]
        reasons.append(
            {
                **reason.model_dump(mode="json", exclude={"evidence", "agencies", "records"}),
                "records_shown": len(evidence),
                "evidence": [item.model_dump(mode="json") for item in evidence],
            }
        )
    body = screening.model_dump(mode="json", exclude={"reasons"})
    return {**body, "reasons": reasons, "reasons_withheld": withheld}, shown


def changes_view(
    scope: Scope, changes: SubjectChanges, current: SubjectScreening | None
) -> tuple[dict[str, Any], list[str]]:
    """What changed since a date, keeping only the reasons and new records the caller may see.
    Reasons gone since have no evidence left to judge by: they are counted, not named."""
    shown_indicators = {
        reason.indicator for reason in (current.reasons if current else []) if visible(scope, reason.evidence)
    }
    new_evidence = visible(scope, changes.new_evidence)
    new_reasons = [r for r in changes.new_reasons if r.indicator in shown_indicators]
    body = changes.model_dump(mode="json", exclude={"new_reasons", "gone_reasons", "new_evidence"})
    body.update(
        new_reasons=[r.model_dump(mode="json") for r in new_reasons],
        new_reasons_withheld=len(changes.new_reasons) - len(new_reasons),
        gone_reasons=[r.model_dump(mode="json") for r in changes.gone_reasons] if scope.everything else [],
        gone_reasons_withheld=0 if scope.everything else len(changes.gone_reasons),
        new_evidence=[item.model_dump(mode="json") for item in new_evidence],
    )
    return body, [evidence_ref(item) for item in new_evidence]


def triage_view(connection: Connection, scope: Scope, page: TriagePage) -> dict[str, Any]:
    """The triage page with each row's reasons cut to those resting on a record the caller sees;
    rows of subjects the caller sees nothing of are left out (and counted)."""
    subjects = [row.subject_id for row in page.rows]
    seen: dict[str, set[str]] = {}
    labels: dict[str, dict[str, str]] = {}
    if subjects:
        for ev in connection.execute(
            select(
                screening_evidence.c.subject_id,
                screening_evidence.c.indicator,
                screening_evidence.c.record_schema,
                screening_evidence.c.agency,
            )
            .where(screening_evidence.c.run_id == page.run.run_id, screening_evidence.c.subject_id.in_(subjects))
            .distinct()
        ):
            if sees_evidence(scope, ev.record_schema, ev.agency):
                seen.setdefault(ev.subject_id, set()).add(ev.indicator)
        for result in connection.execute(
            select(screening_result.c.subject_id, screening_result.c.reasons).where(
                screening_result.c.run_id == page.run.run_id, screening_result.c.subject_id.in_(subjects)
            )
        ):
            labels[result.subject_id] = {
                fired["label"]: fired["indicator"] for fired in (result.reasons or {}).get("fired", [])
            }
    rows: list[dict[str, Any]] = []
    withheld = 0
    for row in page.rows:
        if row.subject_id not in seen and not sees_subject(connection, scope, row.subject_id):
            withheld += 1
            continue
        indicators = seen.get(row.subject_id, set())
        reasons = [label for label in row.reasons if labels.get(row.subject_id, {}).get(label) in indicators]
        rows.append(
            {
                **row.model_dump(mode="json", exclude={"reasons"}),
                "reasons": reasons,
                "reasons_withheld": len(row.reasons) - len(reasons),
            }
        )
    return {
        "run": page.run.model_dump(mode="json", include={"run_id", "as_at", "finished_at", "subjects_screened"}),
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "next_offset": page.offset + page.limit if page.offset + page.limit < page.total else None,
        "rows": rows,
        "rows_withheld": withheld,
    }


def screening_indicators(connection: Connection, subject_id: str, scope: Scope) -> list[dict[str, Any]]:
    """The subject profile's indicators (the API's IndicatorSource): the latest screening's level
    and the reasons resting on records the caller may see, each with those records."""
    try:
        screening = subject_screening(connection.engine, subject_id)
    except (ScreeningNotFound, StoreError):
        return []
    if screening is None:
        return []
    view, _ = screening_view(scope, screening)
    return [
        {
            "run_id": view["run_id"],
            "as_at": view["as_at"],
            "level": view["level"],
            "score": view["score"],
            **reason,
        }
        for reason in view["reasons"]
    ]
