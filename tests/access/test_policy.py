"""The access policy: deny by default, agreements by agency, role, purpose and date, sensitivity
classes redacted unless open, overrides only for their purpose and with a reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from linewatch.access.definitions import SHIPPED_ROLES
from linewatch.access.policy import AccessDenied, Policy, Principal
from linewatch.definitions import DefinitionError
from linewatch.model import default_model

SHARING = Path(__file__).parents[1] / "api" / "fixtures" / "sharing.yaml"
TODAY = date(2026, 6, 1)


@pytest.fixture
def policy() -> Policy:
    return Policy.from_files(SHIPPED_ROLES, SHARING)


def test_practitioner_from_school_cannot_see_health_clinical_detail(policy: Policy) -> None:
    # A2 shares health attendances with social care and police, not education.
    scope = policy.scope(Principal("t", "education", "practitioner"), "safeguarding", TODAY)
    assert not scope.sees_record("health", default_model()["HealthAttendance"])


def test_social_care_practitioner_sees_the_attendance_but_not_its_clinical_detail(policy: Policy) -> None:
    scope = policy.scope(Principal("t", "social_care", "practitioner"), "safeguarding", TODAY)
    schema = default_model()["HealthAttendance"]
    assert scope.sees_record("health", schema)
    shown, redacted = scope.redact("health", schema, {"reason": "assault", "clinical_detail": "stab wound, left arm"})
    assert shown == {"reason": "assault", "clinical_detail": None}
    assert redacted == ["clinical_detail"]


def test_the_panel_chair_sees_clinical_detail(policy: Policy) -> None:
    scope = policy.scope(Principal("t", "social_care", "panel_chair"), "safeguarding", TODAY)
    shown, redacted = scope.redact("health", default_model()["HealthAttendance"], {"clinical_detail": "x"})
    assert shown == {"clinical_detail": "x"} and redacted == []


def test_an_agency_sees_its_own_records_whole_without_any_agreement(policy: Policy) -> None:
    scope = policy.scope(Principal("t", "housing", "practitioner"), "safeguarding", TODAY)
    tenancy = default_model()["HousingTenancy"]
    assert scope.sees_record("housing", tenancy)
    assert scope.hidden_properties("housing", tenancy) == frozenset()
    assert not scope.sees_record("police", default_model()["MissingEpisode"])


def test_an_expired_agreement_shares_nothing(policy: Policy) -> None:
    attendance = default_model()["Attendance"]
    scope = policy.scope(Principal("t", "police", "practitioner"), "safeguarding", TODAY)
    assert not scope.sees_record("education", attendance)
    assert "A3" not in scope.agreements


def test_an_agreement_is_for_its_purposes_only(policy: Policy) -> None:
    health_person = default_model()["Person"]
    principal = Principal("t", "social_care", "practitioner")
    assert policy.scope(principal, "safeguarding", TODAY).sees_record("health", health_person)
    assert not policy.scope(principal, "mace_panel", TODAY).sees_record("health", health_person)


def test_a_role_not_named_in_the_agreement_sees_nothing_of_it(policy: Policy) -> None:
    scope = policy.scope(Principal("t", "social_care", "manager"), "safeguarding", TODAY)
    assert not scope.sees_record("health", default_model()["HealthAttendance"])


def test_a_purpose_the_role_may_not_use_is_refused(policy: Policy) -> None:
    with pytest.raises(AccessDenied, match="may not process"):
        policy.scope(Principal("t", "police", "practitioner"), "disruption", TODAY)
    with pytest.raises(AccessDenied, match="unknown purpose"):
        policy.scope(Principal("t", "police", "practitioner"), "curiosity", TODAY)


def test_break_glass_needs_a_reason_and_then_sees_everything(policy: Policy) -> None:
    chair = Principal("t", "education", "panel_chair")
    with pytest.raises(AccessDenied, match="reason"):
        policy.scope(chair, "emergency", TODAY)
    scope = policy.scope(chair, "emergency", TODAY, reason="child missing overnight, found with older males")
    assert scope.everything and scope.sees_record("health", default_model()["SubstanceMisuse"])


def test_permissions_are_denied_unless_listed(policy: Policy) -> None:
    assert policy.allows(Principal("t", "police", "analyst"), "review.decide")
    assert not policy.allows(Principal("t", "police", "practitioner"), "review.decide")
    assert not policy.allows(Principal("t", "police", "admin"), "subject.profile")
    assert not policy.allows(Principal("t", "police", "nobody"), "subject.search")


def test_the_shipped_definitions_load() -> None:
    policy = Policy.load()
    assert set(policy.role_names) == {
        "practitioner",
        "analyst",
        "panel_member",
        "panel_chair",
        "manager",
        "dpo",
        "admin",
    }
    assert policy.sharing.agreements


def test_an_agreement_naming_an_unknown_agency_is_refused_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "sharing.yaml"
    bad.write_text(SHARING.read_text().replace("owner: health", "owner: hospital"))
    with pytest.raises(DefinitionError, match=r"sharing.yaml, line \d+: agreement A2: unknown agency 'hospital'"):
        Policy.from_files(SHIPPED_ROLES, bad)


def test_an_agreement_naming_an_unknown_record_type_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "sharing.yaml"
    bad.write_text(SHARING.read_text().replace("[Person, HealthAttendance]", "[Person, HealthRecord]"))
    with pytest.raises(DefinitionError, match="unknown record type 'HealthRecord'"):
        Policy.from_files(SHIPPED_ROLES, bad)


def test_a_role_with_an_unknown_permission_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "roles.yaml"
    bad.write_text(
        SHIPPED_ROLES.read_text().replace(
            "permissions: [subject.search, subject.profile, triage.view]\n",
            "permissions: [subject.search, subject.everything]\n",
            1,
        )
    )
    with pytest.raises(DefinitionError, match=r"roles.yaml, line \d+: .*unknown permission\(s\) subject.everything"):
        Policy.from_files(bad, SHARING)
