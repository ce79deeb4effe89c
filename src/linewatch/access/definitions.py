"""The access definitions as data: roles with their permissions and purposes (roles.yaml), and the
data-sharing agreements with the sensitivity-class rules (sharing.yaml).

Both are validated at load, and cross-checked against the agencies and the domain model, with
errors naming the file and line (as every definition file in Linewatch does).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from linewatch.agencies import load_agencies
from linewatch.definitions import DefinitionError, load_definition, read_yaml
from linewatch.model import default_model
from linewatch.model.types import SchemaKind, Sensitivity

SHIPPED_ROLES = Path(__file__).parent / "roles.yaml"
SHIPPED_SHARING = Path(__file__).parent / "sharing.yaml"

_CODE = r"^[a-z][a-z0-9_]*$"

# Every permission a route or command may ask for. A role naming another is a typo, refused at load.
PERMISSIONS = frozenset(
    {
        "subject.search",
        "subject.profile",
        "review.view",
        "review.decide",
        "line.view",
        "place.view",
        "triage.view",
        "feed.upload",
        "feed.view",
        "retention.view",
        "records.erase",
        "records.export",
        "audit.query",
        "audit.verify",
        "account.manage",
        "policy.view",
    }
)


class PurposeDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    reason_required: bool = False


class RoleDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str
    purposes: list[str]
    permissions: list[str]
    override_for: list[str] = Field(default_factory=list)

    @field_validator("permissions")
    @classmethod
    def _known_permissions(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - PERMISSIONS)
        if unknown:
            raise ValueError(f"unknown permission(s) {', '.join(unknown)} (known: {', '.join(sorted(PERMISSIONS))})")
        return value

    @model_validator(mode="after")
    def _override_purposes_are_the_roles(self) -> RoleDefinition:
        stray = sorted(set(self.override_for) - set(self.purposes))
        if stray:
            raise ValueError(f"override_for names purpose(s) the role may not use: {', '.join(stray)}")
        return self


class RolesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purposes: dict[str, PurposeDefinition]
    roles: dict[str, RoleDefinition]

    @model_validator(mode="after")
    def _purposes_known(self) -> RolesFile:
        for name, role in self.roles.items():
            unknown = sorted(set(role.purposes) - set(self.purposes))
            if unknown:
                raise ValueError(f"role {name!r} names unknown purpose(s) {', '.join(unknown)}")
        return self


class ClassRule(BaseModel):
    """Who sees a sensitivity class in a record shared with them (besides the owning agency)."""

    model_config = ConfigDict(extra="forbid")

    everyone: bool = False
    agencies: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)


class Recipients(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agencies: list[str] = Field(min_length=1)
    roles: list[str] = Field(min_length=1)


class Agreement(BaseModel):
    """One data-sharing agreement: one agency's record types, to whom, for what, when."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    title: str
    owner: str = Field(pattern=_CODE)
    record_types: list[str] = Field(min_length=1)
    recipients: Recipients
    purposes: list[str] = Field(min_length=1)
    valid_from: date
    valid_to: date

    @model_validator(mode="after")
    def _dates_in_order(self) -> Agreement:
        if self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on <= self.valid_to


class SharingFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    classes: dict[Sensitivity, ClassRule]
    agreements: list[Agreement]


def load_roles(path: Path = SHIPPED_ROLES) -> RolesFile:
    return load_definition(path, RolesFile)


def load_sharing(path: Path, roles: RolesFile, data_dir: Path | None = None) -> SharingFile:
    """The sharing file, checked against the known agencies, roles, purposes and record types."""
    sharing = load_definition(path, SharingFile)
    _, lines = read_yaml(path)
    agencies = set(load_agencies(data_dir))
    model = default_model()
    record_types = {schema.name for schema in model.of_kind(SchemaKind.entity, SchemaKind.record, SchemaKind.bulk)}

    def refuse(location: tuple[object, ...], problem: str) -> DefinitionError:
        line = None
        for end in range(len(location), -1, -1):
            line = lines.get(tuple(location[:end]))
            if line is not None:
                break
        return DefinitionError(path, problem, line)

    for name, rule in sharing.classes.items():
        for agency in rule.agencies:
            if agency not in agencies:
                raise refuse(("classes", name.value, "agencies"), f"class {name.value}: unknown agency {agency!r}")
        for role in rule.roles:
            if role not in roles.roles:
                raise refuse(("classes", name.value, "roles"), f"class {name.value}: unknown role {role!r}")
    seen: set[str] = set()
    for index, agreement in enumerate(sharing.agreements):
        where = ("agreements", index)
        if agreement.id in seen:
            raise refuse((*where, "id"), f"agreement id {agreement.id!r} is used twice")
        seen.add(agreement.id)
        if agreement.owner not in agencies:
            raise refuse((*where, "owner"), f"agreement {agreement.id}: unknown agency {agreement.owner!r}")
        for position, record_type in enumerate(agreement.record_types):
            if record_type not in record_types:
                raise refuse(
                    (*where, "record_types", position),
                    f"agreement {agreement.id}: unknown record type {record_type!r} (see the model's schemata)",
                )
        for position, agency in enumerate(agreement.recipients.agencies):
            if agency not in agencies:
                raise refuse(
                    (*where, "recipients", "agencies", position), f"agreement {agreement.id}: unknown agency {agency!r}"
                )
        for position, role in enumerate(agreement.recipients.roles):
            if role not in roles.roles:
                raise refuse(
                    (*where, "recipients", "roles", position), f"agreement {agreement.id}: unknown role {role!r}"
                )
        for position, purpose in enumerate(agreement.purposes):
            if purpose not in roles.purposes:
                raise refuse((*where, "purposes", position), f"agreement {agreement.id}: unknown purpose {purpose!r}")
    return sharing
