"""A kept screening run for the API world: the planted child at "significant", each reason resting
on one of the child's records whose marker string is in the evidence description, so the
authorisation matrix sees exactly which evidence each user is shown."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, insert

from linewatch.store.tables_screening import screening_evidence, screening_result, screening_run

# indicator -> (label, schema, agency, source id, date, description carrying the record's marker)
REASONS = {
    "missing_found_away": ("Found away from home", "MissingEpisode", "police", "M1", date(2026, 5, 2), "MKPOLICEFOUND"),
    "intelligence_cce": ("CCE intel", "IntelligenceLog", "police", "I1", date(2026, 5, 3), "MKPOLICEINTEL"),
    "persistent_absence": ("Persistent absence", "Attendance", "education", "A1", date(2026, 4, 13), "MKEDUTERM"),
    "referral_cce": ("Referral for exploitation", "Referral", "social_care", "R1", date(2026, 5, 4), "MKCAREREASON"),
    "assault_attendance": ("Assault injury", "HealthAttendance", "health", "HA1", date(2026, 5, 1), "MKHEALTHHOSPITAL"),
}  # fmt: skip
AS_AT = date(2026, 5, 31)


def write_screening(connection: Connection, subject_id: str) -> int:
    run_id = int(
        connection.execute(
            insert(screening_run).values(
                as_at=AS_AT,
                started_at=datetime(2026, 5, 31, 6),
                finished_at=datetime(2026, 5, 31, 6, 1),
                run_by="test",
                definitions="indicators.yaml",
                definitions_sha256="0" * 64,
                settings={},
                inputs={},
                subjects_screened=1,
                levels={"significant": 1},
                seconds=1.0,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    fired = [
        {"indicator": key, "label": label, "kind": "warning_sign", "points": 2.0, "records": 1,
         "agencies": [agency], "latest": day.isoformat()}
        for key, (label, _, agency, _, day, _) in REASONS.items()
    ]  # fmt: skip
    parts = {
        "warning_signs": 10.0,
        "risk_factors": 0.0,
        "risk_factors_counted": 0.0,
        "protective_factors": 0.0,
        "protective_factors_counted": 0.0,
    }
    connection.execute(
        insert(screening_result).values(
            run_id=run_id,
            subject_id=subject_id,
            score=10.0,
            level="significant",
            first_moderate_at=date(2026, 5, 2),
            latest_evidence_at=date(2026, 5, 4),
            agencies=4,
            age=16,
            age_band="15-17",
            sex="female",
            ethnicity="not_known",
            area="Warwick",
            local_authority="Warwickshire",
            reasons={"parts": parts, "fired": fired},
        )
    )
    connection.execute(
        insert(screening_evidence),
        [
            {"run_id": run_id, "subject_id": subject_id, "indicator": key, "record_schema": schema,
             "agency": agency, "source_id": source_id, "evidence_at": day, "description": text}
            for key, (_, schema, agency, source_id, day, text) in REASONS.items()
        ],
    )  # fmt: skip
    return run_id
