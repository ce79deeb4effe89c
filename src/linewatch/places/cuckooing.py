"""Cuckooing risk per address: a score from eight signals, each with its reason and the records
behind it, a level, and what housing and police should do first (always: safeguard the tenant).

Each signal's value becomes evidence in [0, 1] (1 - exp(-value / scale)); points are weight x
evidence and the score is the points over the total weight (places.yaml). Signals add up rather
than all being required: any one of them is often missing (housing does not know every tenant's
vulnerability; police rarely attend), and several together are what marks a cuckooed home.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from linewatch.places.context import PlaceContext
from linewatch.places.cuckooing_facts import DwellingFacts, gather_facts
from linewatch.places.definition import LEVEL_ORDER, CuckooingDefinition, CuckooingSignal, Level
from linewatch.places.findings import LinkedEvidence, Reason, humanise, month_counts, plural
from linewatch.places.geo import Point
from linewatch.places.records import Evidence

QUIET_AFTER_DAYS = 60


@dataclass
class CuckooingAssessment:
    place_id: str
    uprn: str | None
    address: str
    town: str | None
    postcode: str | None
    point: Point | None
    point_source: str
    score: float
    level: Level
    flagged: bool
    status: str  # active | quiet since ... | closure order ...
    action: str
    reasons: list[Reason]
    evidence: list[LinkedEvidence]
    tenant_subject: str | None
    lines: list[str]
    young_people: list[str]  # subject ids
    first_signal: datetime | None
    last_signal: datetime | None
    months: dict[str, int] = field(default_factory=dict)
    rank: int = 0

    def reasons_text(self) -> str:
        return "; ".join(reason.text for reason in self.reasons if reason.points > 0)


@dataclass(frozen=True, slots=True)
class _Signal:
    value: float
    detail: str
    schemas: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()


def assess_cuckooing(ctx: PlaceContext, definition: CuckooingDefinition) -> list[CuckooingAssessment]:
    """Every dwelling with any signal, highest score first."""
    facts = gather_facts(ctx, definition)
    assessments = [score_dwelling(fact, ctx, definition) for fact in facts.values()]
    kept = [a for a in assessments if a.score > 0]
    kept.sort(key=lambda a: (-a.score, a.place_id))
    for rank, assessment in enumerate(kept, start=1):
        assessment.rank = rank
    return kept


def score_dwelling(fact: DwellingFacts, ctx: PlaceContext, definition: CuckooingDefinition) -> CuckooingAssessment:
    signals = {
        CuckooingSignal.vulnerable_tenant: _vulnerable_tenant(fact),
        CuckooingSignal.asb_reports: _asb_reports(fact, definition),
        CuckooingSignal.asb_kinds: _asb_kinds(fact, definition),
        CuckooingSignal.police_incidents: _police_incidents(fact, definition),
        CuckooingSignal.intelligence: _intelligence(fact),
        CuckooingSignal.young_people_out_of_area: _young_people(fact),
        CuckooingSignal.night_phones: _night_phones(fact, definition),
    }
    times = _signal_times(fact, definition)
    signals[CuckooingSignal.change_in_pattern] = _change_in_pattern(times, ctx, definition)
    reasons: list[Reason] = []
    evidence: list[LinkedEvidence] = []
    place_id = fact.dwelling.place_id
    for name, signal in signals.items():
        spec = definition.signals[name]
        strength = spec.evidence(signal.value)
        points = spec.weight * strength
        text = f"{signal.detail} (+{points:.0f})" if points > 0 else signal.detail
        reasons.append(Reason(name.value, spec.label, round(signal.value, 4), round(strength, 4), round(points, 2),
                              text, signal.schemas))  # fmt: skip
        evidence += [LinkedEvidence(place_id, name.value, item) for item in signal.evidence]
    reasons.sort(key=lambda r: -r.points)
    score = round(sum(r.points for r in reasons) / definition.total_weight(), 4)
    level = definition.levels.of(score)
    flagged = LEVEL_ORDER[level] >= LEVEL_ORDER[definition.flag_level]
    dated = sorted(t for t in times if t is not None)
    return CuckooingAssessment(
        place_id=place_id,
        uprn=fact.dwelling.uprn,
        address=fact.dwelling.label(),
        town=fact.town,
        postcode=fact.dwelling.postcode,
        point=fact.dwelling.point,
        point_source=fact.dwelling.point_source,
        score=score,
        level=level,
        flagged=flagged,
        status=_status(fact, dated, ctx),
        action=definition.actions.get(level, ""),
        reasons=reasons,
        evidence=evidence,
        tenant_subject=fact.tenant_subject,
        lines=sorted(fact.lines),
        young_people=sorted({link.subject_id for link in fact.young}),
        first_signal=dated[0] if dated else None,
        last_signal=dated[-1] if dated else None,
        months=month_counts(dated),
    )


def _vulnerable_tenant(fact: DwellingFacts) -> _Signal:
    tenancy = fact.tenancy
    if tenancy is None:
        return _Signal(0.0, "no tenancy recorded", ())
    tenancy_evidence = Evidence(
        "housing_tenancy", tenancy.agency, tenancy.source_id,
        datetime.combine(tenancy.start_date, datetime.min.time()) if tenancy.start_date else None,
        f"tenancy ({tenancy.tenure or 'tenure not recorded'})",
    )  # fmt: skip
    flags = [flag.strip() for flag in (tenancy.vulnerability_flags or "").split(";") if flag.strip()]
    others = tuple(
        Evidence(r.schema, r.agency, r.source_id, r.at, f"tenant: {humanise(r.kind)}")
        for r in fact.tenant_vulnerability
    )
    other_schemas = tuple(sorted({r.schema for r in fact.tenant_vulnerability}))
    if flags:
        extra = f"; also {plural(len(others), 'health or social care record')}" if others else ""
        listed = ", ".join(humanise(flag) for flag in flags)
        return _Signal(1.0, f"tenant recorded as vulnerable by housing ({listed}){extra}",
                       ("housing_tenancy", *other_schemas), (tenancy_evidence, *others))  # fmt: skip
    if others:
        kinds = ", ".join(sorted({humanise(r.kind) for r in fact.tenant_vulnerability}))
        return _Signal(0.8, f"tenant known to health or social care services ({kinds})",
                       ("housing_tenancy", *other_schemas), (tenancy_evidence, *others))  # fmt: skip
    if tenancy.tenure == "supported":
        return _Signal(0.5, "supported tenancy", ("housing_tenancy",), (tenancy_evidence,))
    return _Signal(0.0, "no vulnerability recorded for the tenant", ("housing_tenancy",))


def _asb_reports(fact: DwellingFacts, definition: CuckooingDefinition) -> _Signal:
    if not fact.asb:
        return _Signal(0.0, "no anti-social behaviour reports", ())
    weights = definition.asb_categories
    value = sum(weights.get(report.category, 0.0) for report in fact.asb)
    counts = Counter(report.category for report in fact.asb)
    listed = ", ".join(f"{n} {humanise(c)}" for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    night = sum(1 for report in fact.asb if report.reported_at.hour >= 22 or report.reported_at.hour < 6)
    first = min(report.reported_at for report in fact.asb)
    detail = (
        f"{plural(len(fact.asb), 'anti-social behaviour report')} since {first:%d %b %Y} ({listed}; {night} at night)"
    )
    evidence = tuple(
        Evidence(
            "asb_report",
            r.agency,
            r.source_id,
            r.reported_at,
            f"{humanise(r.category)}: {r.description or ''}".rstrip(": "),
        )
        for r in sorted(fact.asb, key=lambda r: r.reported_at)
    )
    return _Signal(value, detail, ("asb_report",), evidence)


def _asb_kinds(fact: DwellingFacts, definition: CuckooingDefinition) -> _Signal:
    kinds = sorted({report.category for report in fact.asb} & set(definition.cuckooing_kinds))
    if len(kinds) < 2:
        return _Signal(0.0, "fewer than two kinds of cuckooing report", ("asb_report",) if kinds else ())
    return _Signal(len(kinds) - 1, f"{len(kinds)} kinds of report together ({', '.join(humanise(k) for k in kinds)})",
                   ("asb_report",))  # fmt: skip


def _police_incidents(fact: DwellingFacts, definition: CuckooingDefinition) -> _Signal:
    if not fact.incidents:
        return _Signal(0.0, "no police incidents at the address", ())
    value = 0.0
    offences: Counter[str] = Counter()
    evidence: list[Evidence] = []
    for reference, rows in sorted(fact.incidents.items()):
        weight = max(definition.incident_types.get(row.incident_type, 0.5) for row in rows)
        if any(row.drugs_found for row in rows):
            weight += definition.drugs_found_bonus
        value += weight
        first = rows[0]
        offences[(first.offence or humanise(first.incident_type)).lower()] += 1
        drugs = "; drugs found" if any(row.drugs_found for row in rows) else ""
        evidence += [
            Evidence("police_incident", row.agency, row.source_id, row.occurred_at,
                     f"{reference}: {humanise(row.incident_type)} ({row.offence or 'no offence recorded'}), "
                     f"{humanise(row.role or 'role not recorded')} of {plural(len(rows), 'person', 'people')}{drugs}")
            for row in rows
        ]  # fmt: skip
    listed = ", ".join(f"{n} {o}" for o, n in sorted(offences.items(), key=lambda kv: (-kv[1], kv[0])))
    last = max(row.occurred_at for rows in fact.incidents.values() for row in rows)
    detail = f"{plural(len(fact.incidents), 'police incident')} at the address ({listed}), last {last:%d %b %Y}"
    return _Signal(value, detail, ("police_incident",), tuple(evidence))


def _intelligence(fact: DwellingFacts) -> _Signal:
    if not fact.intel_exact and not fact.intel_postcode:
        return _Signal(0.0, "no intelligence naming the address", ())
    value = len(fact.intel_exact) + sum(1.0 / shared for _, shared in fact.intel_postcode)
    parts = []
    if fact.intel_exact:
        topics = ", ".join(sorted({log.topic or "no topic" for log in fact.intel_exact}))
        parts.append(f"{plural(len(fact.intel_exact), 'intelligence log')} naming the address ({topics})")
    if fact.intel_postcode:
        topics = ", ".join(sorted({log.topic or "no topic" for log, _ in fact.intel_postcode}))
        shared = max(n for _, n in fact.intel_postcode)
        parts.append(f"{plural(len(fact.intel_postcode), 'log')} naming its postcode only ({topics}; "
                     f"{plural(shared, 'known address', 'known addresses')} there)")  # fmt: skip
    evidence = tuple(
        Evidence(
            "intelligence_log", log.agency, log.source_id, log.recorded_at, f"{log.topic or 'intelligence'}: {how}"
        )
        for log, how in [(log, "names the address") for log in fact.intel_exact]
        + [(log, "names the postcode") for log, _ in fact.intel_postcode]
    )
    return _Signal(value, "; ".join(parts), ("intelligence_log",), evidence)


def _young_people(fact: DwellingFacts) -> _Signal:
    """Young people from other towns linked to the address, and line or runner phones
    registered at it (each counts as one more person linked)."""
    phones = sorted({phone.number for phone in fact.registered})
    if not fact.young and not phones:
        return _Signal(0.0, "no young people from other towns linked", ())
    by_subject: dict[str, set[str]] = {}
    homes: Counter[str] = Counter()
    for link in fact.young:
        if link.subject_id not in by_subject:
            homes[link.home_town] += 1
        by_subject.setdefault(link.subject_id, set()).add(link.how)
    parts = []
    if by_subject:
        hows = Counter(how for ways in by_subject.values() for how in ways)
        listed = ", ".join(f"{n} {how}" for how, n in sorted(hows.items(), key=lambda kv: (-kv[1], kv[0])))
        towns = ", ".join(f"{town} {n}" for town, n in sorted(homes.items(), key=lambda kv: (-kv[1], kv[0])))
        parts.append(f"{plural(len(by_subject), 'young person', 'young people')} from other towns ({towns}): {listed}")
    if phones:
        parts.append(f"{plural(len(phones), 'line or runner phone')} registered at the address ({', '.join(phones)})")
    evidence = [link.evidence for link in fact.young]
    evidence += [
        Evidence("subscriber", "comms", phone.number, None, f"{phone.role} phone of {phone.line_id} registered here")
        for phone in fact.registered
    ]
    schemas = tuple(sorted({item.schema for item in evidence}))
    return _Signal(float(len(by_subject) + len(phones)), "; ".join(parts), schemas, tuple(evidence))


def _night_phones(fact: DwellingFacts, definition: CuckooingDefinition) -> _Signal:
    if not fact.night:
        where = f" (cell {fact.serving_cell})" if fact.serving_cell else ""
        return _Signal(0.0, f"no line or runner phones at night on the nearest cell{where}", ())
    numbers = {presence.number for presence in fact.night}
    lines = sorted({presence.line_id for presence in fact.night})
    nights = max(presence.nights for presence in fact.night)
    detail = (f"{plural(len(numbers), 'line or runner phone')} of {', '.join(lines)} on the nearest cell "
              f"({fact.serving_cell}) at night, up to {nights} nights")  # fmt: skip
    return _Signal(float(len(numbers)), detail, ("call_record",))


def _signal_times(fact: DwellingFacts, definition: CuckooingDefinition) -> list[datetime | None]:
    """When each signal about the address happened (for the pattern over time)."""
    times: list[datetime | None] = [
        r.reported_at for r in fact.asb if definition.asb_categories.get(r.category, 0.0) >= 0.5
    ]
    times += [rows[0].occurred_at for rows in fact.incidents.values()]
    times += [log.recorded_at for log in fact.intel_exact]
    times += [link.when for link in fact.young if link.how != "stopped nearby"]
    return times


def _change_in_pattern(times: list[datetime | None], ctx: PlaceContext, definition: CuckooingDefinition) -> _Signal:
    recent_from = ctx.as_of - timedelta(days=definition.recent_days)
    recent = sum(1 for t in times if t is not None and recent_from < t <= ctx.as_of)
    earlier = sum(1 for t in times if t is not None and t <= recent_from)
    earlier_days = max((recent_from - ctx.history_start).total_seconds() / 86400, 1.0)
    expected = (
        (earlier + definition.change_prior_per_year * earlier_days / 365.25) * definition.recent_days / earlier_days
    )
    if recent < definition.change_min_recent:
        return _Signal(0.0, f"{plural(recent, 'signal')} in the last {definition.recent_days} days: no change", ())
    ratio = recent / expected if expected > 0 else float(recent)
    detail = (f"{plural(recent, 'signal')} in the last {definition.recent_days} days against "
              f"{expected:.1f} expected from the {earlier} before (x{ratio:.1f})")  # fmt: skip
    if ratio < definition.change_min_ratio:
        return _Signal(0.0, f"{detail}: no change", ())
    return _Signal(ratio - 1.0, detail, ())


def _status(fact: DwellingFacts, dated: list[datetime], ctx: PlaceContext) -> str:
    for rows in fact.incidents.values():
        for row in rows:
            said = f"{row.offence or ''} {row.outcome or ''}".lower()
            if "closure order" in said:
                return f"closure order {row.occurred_at:%d %b %Y}"
    if dated and dated[-1] < ctx.as_of - timedelta(days=QUIET_AFTER_DAYS):
        return f"quiet since {dated[-1]:%d %b %Y}"
    return "active" if dated else "no dated signals"
