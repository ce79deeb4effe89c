"""Places: addresses at risk of cuckooing, hotspots, peer groups, routes (travel corridors) and the
map layers, from the last `linewatch places run`. Evidence records, reasons and the children
named are cut to what the caller's data-sharing agreements open (api/services/places.py); every
answer is written to the audit trail."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from linewatch.access.policy import Scope
from linewatch.agencies import load_agencies
from linewatch.api.pagination import PageRequest, page_info, page_request
from linewatch.api.problems import Problem, not_found, problem_responses
from linewatch.api.security import Caller, access, signed_in
from linewatch.api.services.places import evidence_view, reasons_view, visible_subjects
from linewatch.audit.events import Operation
from linewatch.places import service
from linewatch.places.context import PlacesError
from linewatch.places.geojson import LAYERS
from linewatch.places.service import EvidenceItem

router = APIRouter(prefix="/places", tags=["places"], responses=problem_responses(401, 403, 404, 409, 422))

PURPOSE = Query(..., max_length=64, description="Why the places are read (see GET /auth/me for yours); recorded")
REASON = Query(None, max_length=500, description="Justification, recorded; required for some purposes")
ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"

# Identifying lists in an item, replaced by the subjects the caller sees (the rest counted).
_SUBJECT_LISTS = ("young_people", "subjects", "children")


def not_run(error: Exception) -> Problem:
    return Problem(409, "places-not-run", "The places analysis has not been run", str(error))


def _agencies(caller: Caller) -> list[str]:
    return sorted(load_agencies(caller.state.settings.data_dir))


def _summary(scope: Scope, item: Any, agencies: list[str]) -> dict[str, Any]:
    """A list row: counts in place of the subjects named, reasons the caller may see."""
    body = asdict(item)
    body.pop("evidence", None)
    body.pop("members", None)
    body.pop("tenant_subject", None)
    for name in _SUBJECT_LISTS:
        if isinstance(body.get(name), (list, tuple)):
            body[name] = len(body[name])
    body["reasons"], body["reasons_withheld"] = reasons_view(scope, item.reasons, None, agencies)
    return body


def _detail(caller: Caller, scope: Scope, item: Any) -> tuple[dict[str, Any], list[str], list[str]]:
    """An item with its evidence: (body, subjects named, record references shown)."""
    body = asdict(item)
    body["evidence"], refs = evidence_view(scope, item.evidence)
    body["reasons"], body["reasons_withheld"] = reasons_view(scope, item.reasons, item.evidence, _agencies(caller))
    named: list[str] = []
    with caller.state.engine.connect() as connection:
        for name in _SUBJECT_LISTS:
            values = body.get(name)
            if isinstance(values, (list, tuple)) and all(isinstance(v, str) for v in values):
                shown = visible_subjects(connection, scope, tuple(values))
                body[name], body[f"{name}_withheld"] = shown, len(values) - len(shown)
                named += shown
        if body.get("tenant_subject"):
            tenant = visible_subjects(connection, scope, (body["tenant_subject"],))
            body["tenant_subject"] = tenant[0] if tenant else None
            named += tenant
        if "members" in body:
            seen = set(visible_subjects(connection, scope, tuple(m.subject_id for m in item.members)))
            body["members"] = [asdict(m) for m in item.members if m.subject_id in seen]
            body["members_withheld"] = len(item.members) - len(body["members"])
            named += sorted(seen)
    return body, named, refs


def _list(
    caller: Caller, purpose: str, reason: str | None, page: PageRequest, key: str, read: Any, *args: Any
) -> dict[str, Any]:
    """One page of findings as list rows. The purpose is checked before the outputs are read, so
    a refused purpose is a 403 even before a places run."""
    scope = caller.scope(purpose, reason)
    items = _read(read, caller.state.settings, *args)
    agencies = _agencies(caller)
    shown = items[page.offset : page.offset + page.limit]
    caller.consulted(purpose, reason=reason, records=[f"{key}:{getattr(item, key)}" for item in shown])
    return {
        "items": [_summary(scope, item, agencies) for item in shown],
        **page_info(page, len(items)).model_dump(),
    }


def _item(caller: Caller, purpose: str, reason: str | None, key: str, wanted: str, read: Any) -> dict[str, Any]:
    """One finding with its evidence, as far as the caller may see it."""
    scope = caller.scope(purpose, reason)
    item = _read(read, caller.state.settings, wanted)
    if item is None:
        raise not_found(f"no {key.replace('_', ' ')} {wanted}")
    body, named, refs = _detail(caller, scope, item)
    caller.consulted(purpose, reason=reason, subjects=named, records=[f"{key}:{wanted}", *refs])
    return body


def _read(read: Any, *args: Any) -> Any:
    try:
        return read(*args)
    except PlacesError as error:  # PlacesNotRun and unreadable outputs alike
        raise not_run(error) from None


@router.get("/cuckooing", **access("place.view", Operation.consultation))
def cuckooing_list(
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    all_levels: bool = Query(False, description="Also addresses below the flagging level"),
    page: PageRequest = Depends(page_request),
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """Addresses by cuckooing risk, highest first."""
    return _list(caller, purpose, reason, page, "place_id", service.cuckooing_list, not all_levels)


@router.get("/cuckooing/{place_id}", **access("place.view", Operation.consultation))
def cuckooing_item(
    place_id: str = Path(..., pattern=ID, description="e.g. uprn-100071234567"),
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """One address: score, reasons, the evidence records behind it (as far as the caller may see
    them), the lines and the children linked to it."""
    return _item(caller, purpose, reason, "place_id", place_id, service.cuckooing_item)


@router.get("/hotspots", **access("place.view", Operation.consultation))
def hotspot_list(
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    flagged_only: bool = Query(False, description="Only hotspots at the flagging level"),
    page: PageRequest = Depends(page_request),
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """Places where children at risk are repeatedly found, stopped or seen, strongest first."""
    return _list(caller, purpose, reason, page, "hotspot_id", service.hotspot_list, flagged_only)


@router.get("/hotspots/{hotspot_id}", **access("place.view", Operation.consultation))
def hotspot_item(
    hotspot_id: str = Path(..., pattern=ID),
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    return _item(caller, purpose, reason, "hotspot_id", hotspot_id, service.hotspot_item)


@router.get("/peer-groups", **access("place.view", Operation.consultation))
def peer_group_list(
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    page: PageRequest = Depends(page_request),
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """Groups of young people seen together, with the places and lines they share."""
    return _list(caller, purpose, reason, page, "group_id", service.peer_group_list)


@router.get("/peer-groups/{group_id}", **access("place.view", Operation.consultation))
def peer_group_item(
    group_id: str = Path(..., pattern=ID),
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    return _item(caller, purpose, reason, "group_id", group_id, service.peer_group_item)


@router.get("/routes", **access("place.view", Operation.consultation))
def corridor_list(
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    page: PageRequest = Depends(page_request),
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """Travel corridors between towns used by children at risk, strongest first."""
    return _list(caller, purpose, reason, page, "corridor_id", service.corridor_list)


@router.get("/routes/{corridor_id}", **access("place.view", Operation.consultation))
def corridor_item(
    corridor_id: str = Path(..., pattern=ID),
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    return _item(caller, purpose, reason, "corridor_id", corridor_id, service.corridor_item)


@router.get("/layers/{layer}", **access("place.view", Operation.consultation))
def geojson_layer(
    layer: str = Path(..., pattern=r"^[a-z_]{1,32}$", description=f"One of {', '.join(LAYERS)}"),
    purpose: str = PURPOSE,
    reason: str | None = REASON,
    caller: Caller = Depends(signed_in),
) -> dict[str, Any]:
    """One map layer as a GeoJSON FeatureCollection (the places' shareable properties only; each
    feature's reasons cut to those the caller may see, as in the lists)."""
    scope = caller.scope(purpose, reason)
    if layer not in LAYERS:
        raise not_found(f"no layer {layer!r}: choose from {', '.join(LAYERS)}")
    found: dict[str, Any] = _read(service.geojson_layer, caller.state.settings, layer)
    features = found.get("features", [])
    if layer in _LAYER_FINDINGS:
        read, key, evidence_table = _LAYER_FINDINGS[layer]
        findings = {getattr(item, key): item for item in _read(read, caller.state.settings)}
        evidence = _read(service.evidence_by_finding, caller.state.settings, evidence_table)
        agencies = _agencies(caller)
        for feature in features:
            wanted = str(feature.get("id"))
            _layer_reasons(scope, feature["properties"], findings.get(wanted), evidence.get(wanted, ()), agencies)
    caller.consulted(
        purpose,
        reason=reason,
        subjects=[],
        records=[f"layer:{layer}", *(f"{layer}:{f.get('id')}" for f in features[:200])],
    )
    return found


# The layers whose features carry reasons: the findings behind them, their key and evidence table.
_LAYER_FINDINGS: dict[str, tuple[Any, str, str]] = {
    "cuckooing": (lambda settings: service.cuckooing_list(settings, False), "place_id", "cuckooing_evidence"),
    "hotspots": (service.hotspot_list, "hotspot_id", "hotspot_evidence"),
    "routes": (service.corridor_list, "corridor_id", "corridor_evidence"),
}


def _layer_reasons(
    scope: Scope, properties: dict[str, Any], finding: Any, evidence: tuple[EvidenceItem, ...], agencies: list[str]
) -> None:
    """Cut a feature's reasons text to the reasons the caller may see. As in an item's detail (and
    stricter than a list row), a reason that names records stays only when the caller may see one
    of the records behind it: a map shows where, so it must not reveal another agency's records.
    The layer writes a chosen subset of reasons (cuckooing: those that scored), so only visible
    reasons it wrote are kept; a feature with no finding behind it shows none."""
    written = str(properties.get("reasons") or "")
    reasons = tuple(r for r in (finding.reasons if finding is not None else ()) if r.text and r.text in written)
    visible = reasons_view(scope, reasons, evidence, agencies)[0]
    properties["reasons"] = "; ".join(r["text"] for r in visible)
    properties["reasons_withheld"] = len(reasons) - len(visible) if finding is not None else int(bool(written))
