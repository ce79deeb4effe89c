"""One short line per evidence record, in a practitioner's words: what the record says that made
the indicator fire. Free text a schema marks more sensitive than the record itself (narratives,
clinical detail, intelligence text) is never quoted: the API redacts whole records by their
schema's sensitivity, and a description must not leak more than its record would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

Row = Mapping[str, Any]


def words(code: object) -> str:
    """An enum code as words: child_in_need -> child in need."""
    return str(code).replace("_", " ") if code not in (None, "") else ""


def day(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if value else "date not recorded"


def _join(parts: list[str]) -> str:
    return "; ".join(part for part in parts if part)


def _missing(row: Row) -> str:
    found = []
    if row.get("returned_at"):
        where = row.get("found_location") or row.get("found_area") or "location not recorded"
        distance = row.get("found_distance_km")
        far = f", {distance:g} km from home" if isinstance(distance, int | float) else ""
        other = " (another local authority area)" if row.get("found_other_local_authority") else ""
        found.append(f"found {day(row['returned_at'])} at {where}{far}{other}")
    else:
        found.append("not yet found")
    if row.get("flagged_place"):
        found.append(f"a flagged place: {row['flagged_place']}")
    if row.get("found_with"):
        found.append(f"with {row['found_with']}")
    interview = row.get("return_interview")
    if interview:
        on_time = " within 72 hours" if row.get("return_interview_within_72h") else ""
        found.append(
            "no return home interview" if interview == "none" else f"return home interview {words(interview)}{on_time}"
        )
    return _join([f"Reported missing {day(row.get('reported_at'))}", *found])


def _attendance(row: Row) -> str:
    rate, rise = row.get("absence_rate"), row.get("absence_rise")
    text = f"{row.get('term')}: missed {row.get('sessions_missed')} of {row.get('sessions_possible')} sessions"
    if isinstance(rate, int | float):
        text += f" ({rate:.0%})"
    if isinstance(rise, int | float) and rise > 0:
        text += f", up {rise:.0%} on the previous term"
    return text


def _exclusion(row: Row) -> str:
    kind = "Permanently excluded" if row.get("exclusion_type") == "permanent" else "Suspended"
    sessions = f" for {row['sessions']} sessions" if row.get("sessions") else ""
    return _join(
        [
            f"{kind} {day(row.get('start_date'))}{sessions}",
            f"reason: {words(row.get('reason'))}" if row.get("reason") else "",
        ]
    )


def _placement(row: Row) -> str:
    send = row.get("send")
    return _join(
        [
            f"{words(row.get('setting')).capitalize()} from {day(row.get('start_date'))}"
            + (f" to {day(row['end_date'])}" if row.get("end_date") else ""),
            f"SEND: {words(send)}" if send and send != "none" else "",
        ]
    )


def _status(row: Row) -> str:
    return _join(
        [
            f"{words(row.get('status')).capitalize()} from {day(row.get('start_date'))}"
            + (f" to {day(row['end_date'])}" if row.get("end_date") else ""),
            f"placement: {words(row.get('placement_type'))}" if row.get("placement_type") else "",
            f"category: {row['category']}" if row.get("category") else "",
        ]
    )


def _referral(row: Row) -> str:
    by = f" by {row['referred_by']}" if row.get("referred_by") else ""
    return _join(
        [f"Referred to {words(row.get('referred_to'))} {day(row.get('referred_at'))}{by}", row.get("reason") or ""]
    )


def _nrm(row: Row) -> str:
    return _join(
        [
            f"NRM referral {day(row.get('referred_at'))}"
            + (f" by {row['first_responder']}" if row.get("first_responder") else ""),
            f"reasonable grounds: {words(row.get('reasonable_grounds'))}" if row.get("reasonable_grounds") else "",
        ]
    )


def _incident(row: Row) -> str:
    found = []
    if row.get("drugs_found"):
        found.append("drugs" + (f" ({row['drug_type']})" if row.get("drug_type") else ""))
    if row.get("cash_found"):
        amount = row.get("cash_amount")
        found.append(f"cash £{amount:,.0f}" if isinstance(amount, int | float) else "cash")
    if (row.get("phones_found") or 0) >= 1:
        found.append(f"{row['phones_found']} phone(s)")
    if row.get("weapon_found"):
        found.append("a weapon")
    role = {"subject": "", "present": " (present)", "victim": " (as victim)"}.get(str(row.get("role")), "")
    return _join(
        [
            f"{words(row.get('incident_type')).capitalize()}{role} {day(row.get('occurred_at'))}"
            + (f" at {row['location']}" if row.get("location") else ""),
            f"found with {', '.join(found)}" if found else "",
            row.get("offence") or "",
            "a person who controls a deal line was there" if row.get("with_known_exploiter") else "",
            "with another child at risk" if row.get("with_child_at_risk") else "",
            f"a flagged place: {row['flagged_place']}" if row.get("flagged_place") else "",
        ]
    )


def _intelligence(row: Row) -> str:
    return _join(
        [
            f"Intelligence {day(row.get('recorded_at'))}" + (f" graded {row['grading']}" if row.get("grading") else ""),
            f"topic: {row['topic']}" if row.get("topic") else "",
            f"phone {row['phone']}"
            + (" (a deal-line, controller or runner number)" if row.get("phone_is_line_phone") else "")
            if row.get("phone")
            else "",
        ]
    )


def _association(row: Row) -> str:
    return _join(
        [
            f"Police record: {words(row.get('association_type'))}"
            + (f", observed {day(row['observed_at'])}" if row.get("observed_at") else ""),
            "the associate controls a deal line" if row.get("other_is_known_exploiter") else "",
            f"phone {row['phone']}" if row.get("phone") else "",
        ]
    )


def _sighting(row: Row) -> str:
    distance = row.get("destination_distance_km")
    return _join(
        [
            f"{words(row.get('sighting_type')).capitalize()} {day(row.get('seen_at'))}",
            f"{row.get('origin_station') or '?'} to {row.get('destination_station') or '?'}"
            + (
                f" ({row['destination_area']}"
                + (f", {distance:g} km from home)" if isinstance(distance, int | float) else ")")
                if row.get("destination_area")
                else ""
            ),
            row.get("ticket_type") or "",
        ]
    )


def _health(row: Row) -> str:
    setting = words(row.get("setting")).capitalize() or "Health"
    return _join(
        [
            f"{setting} attendance {day(row.get('attended_at'))}: {words(row.get('reason'))}",
            f"accompanied by {row['accompanied_by']}" if row.get("accompanied_by") else "",
        ]
    )


def _substance(row: Row) -> str:
    return _join(
        [
            f"Referred to {row.get('service') or 'a substance misuse service'} {day(row.get('referred_at'))}",
            f"status: {words(row.get('status'))}" if row.get("status") else "",
        ]
    )


def _concern(row: Row) -> str:
    signs = ", ".join(words(sign.strip()) for sign in str(row.get("signs") or "").split(";") if sign.strip())
    by = f" by {row['recorded_by_role']}" if row.get("recorded_by_role") else ""
    return _join([f"Concern recorded {day(row.get('recorded_at'))}{by}", f"signs: {signs}" if signs else ""])


def _line_link(row: Row) -> str:
    where = "a police phone association" if row.get("via") == "association.phone" else "the person record's phone"
    summary = f" of {row['line_summary']}" if row.get("line_summary") else ""
    return (
        f"Phone {row.get('number')} is a {words(row.get('role'))} number{summary} ({row.get('line_id')}), from {where}"
    )


DESCRIBERS: dict[str, Callable[[Row], str]] = {
    "MissingEpisode": _missing,
    "Attendance": _attendance,
    "Exclusion": _exclusion,
    "EducationPlacement": _placement,
    "SocialCareStatus": _status,
    "Referral": _referral,
    "NRMReferral": _nrm,
    "PoliceIncident": _incident,
    "IntelligenceLog": _intelligence,
    "Association": _association,
    "Sighting": _sighting,
    "HealthAttendance": _health,
    "SubstanceMisuse": _substance,
    "Concern": _concern,
    "LineLink": _line_link,
}


def describe(record_type: str, row: Row) -> str:
    describer = DESCRIBERS.get(record_type)
    if describer is not None:
        return describer(row)
    dated = next((value for key, value in row.items() if key.endswith(("_at", "_date")) and value), None)
    return f"{record_type} record {row.get('source_id', '')}, {day(dated)}"
