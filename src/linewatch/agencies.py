"""The partner agencies known to this deployment, as data."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from linewatch.definitions import load_definition

SHIPPED_AGENCIES = Path(__file__).parent / "agencies.yaml"


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    type: str


class AgencyList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agencies: list[Agency]


def load_agencies(data_dir: Path | None = None) -> dict[str, Agency]:
    """Shipped agencies, extended or overridden by <data_dir>/agencies.yaml when present."""
    agencies = {a.code: a for a in load_definition(SHIPPED_AGENCIES, AgencyList).agencies}
    if data_dir is not None and (data_dir / "agencies.yaml").exists():
        local = load_definition(data_dir / "agencies.yaml", AgencyList)
        agencies.update({a.code: a for a in local.agencies})
    return agencies
