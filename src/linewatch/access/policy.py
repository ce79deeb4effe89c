"""Who may do what and see which records, decided from the definitions (roles.yaml, sharing.yaml).

A ``Policy`` answers two questions. May this principal use this permission (``allows``)? And,
for a purpose they gave, which agencies' records of which types may they see, and which
properties of them (``scope``)? Everything not granted is denied. Pure: no store, no clock of its
own (the date is passed in), so it is tested hardest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from linewatch.access.definitions import (
    SHIPPED_ROLES,
    SHIPPED_SHARING,
    RolesFile,
    SharingFile,
    load_roles,
    load_sharing,
)
from linewatch.model import Schema, default_model
from linewatch.model.types import Sensitivity


class AccessDenied(Exception):
    """The principal may not do this; the message says why (shown to the user, and audited)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a signed-in account, or the operator at the command line."""

    username: str
    agency: str
    role: str
    account_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.username} ({self.role}, {self.agency})"


@dataclass(frozen=True, slots=True)
class Scope:
    """What one principal may see for one purpose on one day."""

    principal: Principal
    purpose: str
    record_types: frozenset[tuple[str, str]]  # (owning agency, schema name)
    everything: bool = False  # an override purpose (subject access, emergency): all records, all classes
    class_rules: dict[Sensitivity, Any] = field(default_factory=dict)
    agreements: tuple[str, ...] = ()

    def sees_type(self, agency: str, schema: str) -> bool:
        """May records of this type from this agency be shown at all?"""
        return self.everything or agency == self.principal.agency or (agency, schema) in self.record_types

    def sees_class(self, agency: str, sensitivity: Sensitivity) -> bool:
        if self.everything or agency == self.principal.agency:
            return True
        rule = self.class_rules.get(sensitivity)
        if rule is None:
            return False
        return bool(rule.everyone or self.principal.agency in rule.agencies or self.principal.role in rule.roles)

    def sees_record(self, agency: str, schema: Schema) -> bool:
        """A record is shown when its type is shared and its schema's own class is open."""
        return self.sees_type(agency, schema.name) and self.sees_class(agency, schema.sensitivity)

    def hidden_properties(self, agency: str, schema: Schema) -> frozenset[str]:
        """Properties of a shown record that must be redacted (with their identifier validity flags)."""
        hidden: set[str] = set()
        for prop in schema.properties.values():
            if not self.sees_class(agency, prop.sensitivity):
                hidden.add(prop.name)
                if prop.is_identifier:
                    hidden.add(f"{prop.name}_valid")
        return frozenset(hidden)

    def redact(self, agency: str, schema: Schema, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The record's values with hidden properties set to None, and the names redacted (those
        that held a value; an empty property is not worth a mention and reveals nothing)."""
        hidden = self.hidden_properties(agency, schema)
        shown: dict[str, Any] = {}
        redacted: list[str] = []
        for name, value in values.items():
            if name in hidden:
                shown[name] = None
                if value is not None and not name.endswith("_valid"):
                    redacted.append(name)
            else:
                shown[name] = value
        return shown, redacted


class Policy:
    """Roles, purposes and the data-sharing agreements, loaded and cross-checked."""

    def __init__(self, roles: RolesFile, sharing: SharingFile):
        self.roles = roles
        self.sharing = sharing

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Policy:
        """The shipped definitions, each replaced by <data_dir>/roles.yaml or sharing.yaml if present."""
        roles_path = SHIPPED_ROLES
        sharing_path = SHIPPED_SHARING
        if data_dir is not None and (data_dir / "roles.yaml").exists():
            roles_path = data_dir / "roles.yaml"
        if data_dir is not None and (data_dir / "sharing.yaml").exists():
            sharing_path = data_dir / "sharing.yaml"
        roles = load_roles(roles_path)
        return cls(roles, load_sharing(sharing_path, roles, data_dir))

    @classmethod
    def from_files(cls, roles_path: Path, sharing_path: Path, data_dir: Path | None = None) -> Policy:
        roles = load_roles(roles_path)
        return cls(roles, load_sharing(sharing_path, roles, data_dir))

    @property
    def role_names(self) -> list[str]:
        return list(self.roles.roles)

    def allows(self, principal: Principal, permission: str) -> bool:
        role = self.roles.roles.get(principal.role)
        return role is not None and permission in role.permissions

    def require(self, principal: Principal, permission: str) -> None:
        if not self.allows(principal, permission):
            raise AccessDenied(f"the {principal.role} role does not have the {permission!r} permission")

    def check_purpose(self, principal: Principal, purpose: str, reason: str | None) -> None:
        """The purpose must be known, open to the role, and justified when it asks for a reason."""
        definition = self.roles.purposes.get(purpose)
        if definition is None:
            raise AccessDenied(f"unknown purpose {purpose!r} (known: {', '.join(self.roles.purposes)})")
        role = self.roles.roles.get(principal.role)
        if role is None or purpose not in role.purposes:
            raise AccessDenied(f"the {principal.role} role may not process personal data for {purpose!r}")
        if definition.reason_required and len((reason or "").strip()) < 10:
            raise AccessDenied(f"the purpose {purpose!r} needs a reason of at least 10 characters")

    def scope(self, principal: Principal, purpose: str, on: date, reason: str | None = None) -> Scope:
        """What the principal sees for this purpose today; raises AccessDenied for a purpose they
        may not use."""
        self.check_purpose(principal, purpose, reason)
        role = self.roles.roles[principal.role]
        classes = dict(self.sharing.classes)
        if purpose in role.override_for:
            return Scope(principal, purpose, frozenset(), everything=True, class_rules=classes)
        granted: set[tuple[str, str]] = set()
        used: list[str] = []
        for agreement in self.sharing.agreements:
            if (
                agreement.in_force(on)
                and purpose in agreement.purposes
                and principal.agency in agreement.recipients.agencies
                and principal.role in agreement.recipients.roles
            ):
                granted.update((agreement.owner, record_type) for record_type in agreement.record_types)
                used.append(agreement.id)
        return Scope(principal, purpose, frozenset(granted), class_rules=classes, agreements=tuple(used))


def schema_of_table(table_name: str) -> Schema:
    """The model schema stored in a table (person -> Person)."""
    for schema in default_model():
        if schema.table_name == table_name:
            return schema
    raise KeyError(table_name)
