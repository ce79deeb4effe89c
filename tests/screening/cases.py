"""For every shipped indicator, a child whose records make it fire and a child whose records come
close but must not (outside the window, below the threshold, the wrong type or role).

Each case is `build(county, subject_id, fires)`; the screening date is AS_AT. The child lives in
Coventry (postcode district CV1) unless the case says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from tests.screening.builders import County

AS_AT = date(2026, 9, 1)
NOON = datetime(2026, 9, 1, 12, 0)
WARWICK = (52.2820, -1.5841)  # town centre: another local authority, 14 km from Coventry
COVENTRY = (52.4081, -1.5106)
HOTSPOT = (52.4000, -1.5000)  # a flagged hotspot in Coventry, radius 200 m
CONTROLLER = "ADULT1"  # an adult whose phone the lines capability named a line's controller
OTHER_ADULT = "ADULT2"
LINE_NUMBER = "+447700900111"
RUNNER_NUMBER = "+447700900222"
PEER_AT_RISK = "PEER1"
PEER_NO_CONCERN = "PEER2"


def ago(days: int, hour: int = 12) -> datetime:
    return NOON.replace(hour=hour) - timedelta(days=days)


def day_ago(days: int) -> date:
    return AS_AT - timedelta(days=days)


Build = Callable[[County, str, bool], None]
CASES: dict[str, Build] = {}


def case(indicator: str) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        CASES[indicator] = build
        return build

    return register


Fields = dict[str, object]


def varies(helper: Callable[..., object], when_fires: Fields, when_close: Fields) -> Build:
    """A case whose firing and near-miss children get the same record from `helper`, differing
    only in the fields given."""

    def build(county: County, sid: str, fires: bool) -> None:
        helper(county, sid, **(when_fires if fires else when_close))

    return build


def _episode(county: County, sid: str, days: int, **fields: object) -> str:
    values: dict[str, object] = {
        "reported_at": ago(days, 22),
        "returned_at": ago(days - 1, 10),
        "episode_type": "missing",
    }
    values.update(fields)
    return county.record("MissingEpisode", sid, "police", **values)


@case("missing_episode")
def _(county: County, sid: str, fires: bool) -> None:
    _episode(county, sid, 30 if fires else 200)


@case("missing_repeat")
def _(county: County, sid: str, fires: bool) -> None:
    for days in (10, 40, 80 if fires else 120):
        _episode(county, sid, days)


@case("missing_found_away")
def _(county: County, sid: str, fires: bool) -> None:
    if fires:
        _episode(county, sid, 20, found_postcode="CV34 4AB", found_latitude=WARWICK[0], found_longitude=WARWICK[1])
    else:
        _episode(county, sid, 20, found_postcode="CV3 1AB", found_latitude=COVENTRY[0], found_longitude=COVENTRY[1])


@case("missing_found_at_flagged_place")
def _(county: County, sid: str, fires: bool) -> None:
    _episode(county, sid, 20, found_uprn="100000001" if fires else "100000002", found_postcode="CV2 9ZZ")


@case("missing_found_with_adults")
def _(county: County, sid: str, fires: bool) -> None:
    _episode(county, sid, 20, found_with="two older males" if fires else "friend")


@case("missing_no_return_interview")
def _(county: County, sid: str, fires: bool) -> None:
    episode = _episode(county, sid, 20)
    if not fires:
        county.record(
            "ReturnHomeInterview",
            sid,
            "social_care",
            episode_reference=episode,
            offered_at=ago(18),
            completed_at=ago(18),
            outcome="completed",
        )


def _term(county: County, sid: str, start_days_ago: int, missed: int, possible: int = 100, term: str = "") -> None:
    county.record(
        "Attendance",
        sid,
        "education",
        term=term or f"T{start_days_ago}",
        term_start=day_ago(start_days_ago),
        sessions_possible=possible,
        sessions_missed=missed,
    )


@case("persistent_absence")
def _(county: County, sid: str, fires: bool) -> None:
    _term(county, sid, 150, 15 if fires else 9)


@case("severe_absence")
def _(county: County, sid: str, fires: bool) -> None:
    _term(county, sid, 150, 50 if fires else 49)


@case("absence_rising")
def _(county: County, sid: str, fires: bool) -> None:
    _term(county, sid, 300, 5 if fires else 15, term="Earlier")
    _term(county, sid, 150, 25, term="Latest")


@case("suspension")
def _(county: County, sid: str, fires: bool) -> None:
    county.record("Exclusion", sid, "education", exclusion_type="suspension", start_date=day_ago(100 if fires else 400))


@case("suspension_drugs_weapons_violence")
def _(county: County, sid: str, fires: bool) -> None:
    reason = "drug_and_alcohol" if fires else "persistent_disruptive_behaviour"
    county.record("Exclusion", sid, "education", exclusion_type="suspension", start_date=day_ago(60), reason=reason)


@case("permanent_exclusion")
def _(county: County, sid: str, fires: bool) -> None:
    kind = "permanent" if fires else "suspension"
    county.record("Exclusion", sid, "education", exclusion_type=kind, start_date=day_ago(300))


@case("pru_or_alternative_provision")
def _(county: County, sid: str, fires: bool) -> None:
    end = None if fires else day_ago(120)
    county.record("EducationPlacement", sid, "education", setting="pru", start_date=day_ago(200), end_date=end)


@case("missing_education")
def _(county: County, sid: str, fires: bool) -> None:
    setting = "missing_education" if fires else "home_educated"
    county.record("EducationPlacement", sid, "education", setting=setting, start_date=day_ago(200))


@case("special_educational_needs")
def _(county: County, sid: str, fires: bool) -> None:
    send = "ehc_plan" if fires else "sen_support"
    county.record("EducationPlacement", sid, "education", setting="mainstream", start_date=day_ago(800), send=send)


@case("good_attendance")
def _(county: County, sid: str, fires: bool) -> None:
    _term(county, sid, 100, 3 if fires else 6)


@case("looked_after")
def _(county: County, sid: str, fires: bool) -> None:
    end = None if fires else day_ago(10)
    county.record(
        "SocialCareStatus",
        sid,
        "social_care",
        status="looked_after",
        start_date=day_ago(400),
        end_date=end,
        placement_type="foster_care",
    )


@case("unregulated_accommodation")
def _(county: County, sid: str, fires: bool) -> None:
    placement = "unregulated_accommodation" if fires else "independent_living"
    county.record(
        "SocialCareStatus", sid, "social_care", status="care_leaver", start_date=day_ago(100), placement_type=placement
    )


@case("child_protection_or_in_need")
def _(county: County, sid: str, fires: bool) -> None:
    status = "child_in_need" if fires else "early_help"
    county.record("SocialCareStatus", sid, "social_care", status=status, start_date=day_ago(100))


@case("social_care_extra_familial_harm")
def _(county: County, sid: str, fires: bool) -> None:
    category = "Extra-familial harm: criminal exploitation" if fires else "Neglect"
    county.record(
        "SocialCareStatus", sid, "social_care", status="child_in_need", start_date=day_ago(50), category=category
    )


@case("referral_exploitation_concern")
def _(county: County, sid: str, fires: bool) -> None:
    reason = "Concerns about criminal exploitation" if fires else "Housing and financial hardship"
    county.record(
        "Referral",
        sid,
        "social_care",
        referral_reference=f"R-{sid}",
        referred_at=ago(50),
        referred_to="mash",
        reason=reason,
    )


@case("referral_exploitation_hub")
def _(county: County, sid: str, fires: bool) -> None:
    county.record(
        "Referral",
        sid,
        "social_care",
        referral_reference=f"R-{sid}",
        referred_at=ago(50),
        referred_to="exploitation_hub" if fires else "early_help",
        reason="Parenting support",
    )


@case("nrm_referral")
def _(county: County, sid: str, fires: bool) -> None:
    county.record(
        "NRMReferral",
        sid,
        "social_care",
        nrm_reference=f"N-{sid}",
        referred_at=day_ago(100),
        reasonable_grounds="positive" if fires else "negative",
    )


def _incident(county: County, sid: str, reference: str, **fields: object) -> str:
    values: dict[str, object] = {
        "incident_reference": reference,
        "incident_type": "stop_and_search",
        "occurred_at": ago(20, 23),
        "role": "subject",
    }
    values.update(fields)
    return county.record("PoliceIncident", sid, "police", source_id=f"{reference}|{sid}", **values)


def _own_incident(county: County, sid: str, **fields: object) -> str:
    return _incident(county, sid, f"I-{sid}", **fields)


# The child's own police incident (a stop and search as the subject, unless the fields say otherwise).
CASES.update(
    {
        "found_in_other_area": varies(
            _own_incident, {"incident_type": "found_in_other_area"}, {"incident_type": "welfare_check"}
        ),
        "found_with_drugs": varies(_own_incident, {"drugs_found": True}, {"drugs_found": False}),
        "found_with_cash": varies(
            _own_incident, {"cash_found": True, "cash_amount": 450.0}, {"cash_found": False, "cash_amount": None}
        ),
        "found_with_phones": varies(_own_incident, {"phones_found": 2}, {"phones_found": 1}),
        "found_with_weapon": varies(_own_incident, {"weapon_found": True}, {"weapon_found": False}),
        "stop_and_search": varies(_own_incident, {"role": "subject"}, {"role": "present"}),
        "arrest_drug_supply": varies(
            _own_incident,
            {"incident_type": "arrest", "offence": "Possession with intent to supply Class A"},
            {"incident_type": "arrest", "offence": "Shoplifting"},
        ),
    }
)


@case("police_incident_at_flagged_place")
def _(county: County, sid: str, fires: bool) -> None:
    latitude = HOTSPOT[0] + (0.0005 if fires else 0.02)  # about 55 m, or 2.2 km, from the hotspot
    _own_incident(county, sid, incident_type="welfare_check", latitude=latitude, longitude=HOTSPOT[1])


@case("intelligence_county_lines")
def _(county: County, sid: str, fires: bool) -> None:
    county.record(
        "IntelligenceLog",
        sid,
        "police",
        intelligence_reference=f"IN-{sid}",
        recorded_at=ago(30),
        topic="County lines" if fires else "Shoplifting",
    )


@case("older_associate")
def _(county: County, sid: str, fires: bool) -> None:
    county.record(
        "Association", sid, "police", association_type="older_associate" if fires else "peer", observed_at=day_ago(100)
    )


@case("deal_line_phone")
def _(county: County, sid: str, fires: bool) -> None:
    county.record(
        "Association",
        sid,
        "police",
        association_type="uses_phone",
        observed_at=day_ago(40),
        phone=RUNNER_NUMBER if fires else "+447700900999",
    )


@case("intelligence_line_phone")
def _(county: County, sid: str, fires: bool) -> None:
    county.record(
        "IntelligenceLog",
        sid,
        "police",
        intelligence_reference=f"IN-{sid}",
        recorded_at=ago(30),
        topic="Anti-social behaviour",
        phone=LINE_NUMBER if fires else "+447700900998",
    )


@case("association_known_exploiter")
def _(county: County, sid: str, fires: bool) -> None:
    other = county.person(CONTROLLER if fires else OTHER_ADULT, "police")
    county.record(
        "Association", sid, "police", association_type="associate", other_person=other, observed_at=day_ago(60)
    )


@case("incident_with_known_exploiter")
def _(county: County, sid: str, fires: bool) -> None:
    reference = f"I-{sid}"
    _incident(county, sid, reference, incident_type="welfare_check")
    _incident(county, CONTROLLER if fires else OTHER_ADULT, reference, incident_type="welfare_check", role="present")


def _journey(county: County, sid: str, days: int, origin: str, destination: str, where: tuple[float, float]) -> None:
    county.record(
        "Sighting",
        sid,
        "transport",
        sighting_type="rail_journey",
        seen_at=ago(days),
        station_code=origin,
        origin_station=origin,
        destination_station=destination,
        latitude=where[0],
        longitude=where[1],
    )


@case("travel_to_market_towns")
def _(county: County, sid: str, fires: bool) -> None:
    for days in (5, 20, 40) if fires else (5, 20):
        _journey(county, sid, days, "COV", "WRW", COVENTRY)
        _journey(county, sid, days - 1, "WRW", "COV", WARWICK)


@case("transport_police_stop")
def _(county: County, sid: str, fires: bool) -> None:
    county.record(
        "Sighting",
        sid,
        "transport",
        sighting_type="transport_police" if fires else "rail_journey",
        seen_at=ago(30),
        station_code="WRW",
        latitude=WARWICK[0],
        longitude=WARWICK[1],
    )


def _health(county: County, sid: str, days: int, reason: str, **fields: object) -> None:
    county.record(
        "HealthAttendance",
        sid,
        "health",
        attended_at=ago(days),
        setting="emergency_department",
        reason=reason,
        **fields,
    )


# An emergency department attendance `days` before the screening date, for `reason`.
CASES.update(
    {
        "stab_or_gunshot_injury": varies(
            _health, {"days": 100, "reason": "stab_wound"}, {"days": 100, "reason": "injury_other"}
        ),
        "assault_injury": varies(_health, {"days": 30, "reason": "assault"}, {"days": 200, "reason": "assault"}),
        "overdose": varies(_health, {"days": 30, "reason": "overdose"}, {"days": 30, "reason": "alcohol"}),
        "attended_with_older_adult": varies(
            _health,
            {"days": 30, "reason": "illness", "accompanied_by": "Unknown older male"},
            {"days": 30, "reason": "illness", "accompanied_by": "Mother"},
        ),
    }
)


@case("substance_misuse_service")
def _(county: County, sid: str, fires: bool) -> None:
    service = "Young People's Substance Misuse Service" if fires else "Adult drug and alcohol service"
    county.record("SubstanceMisuse", sid, "health", referred_at=day_ago(100), service=service)


def _concern(county: County, sid: str, agency: str, signs: str, days: int = 30) -> None:
    county.record(
        "Concern",
        sid,
        agency,
        concern_reference=f"C-{sid}-{agency}-{days}",
        recorded_at=ago(days),
        signs=signs,
        narrative="Recorded by a practitioner",
    )


# A practitioner's concern 30 days before: the agency, and the signs it records.
CASES.update(
    {
        "concern_warning_signs": varies(
            _concern,
            {"agency": "education", "signs": "secretive;behaviour_change"},
            {"agency": "education", "signs": "social_media"},
        ),
        "concern_specific_signs": varies(
            _concern,
            {"agency": "education", "signs": "hotel_keys"},
            {"agency": "education", "signs": "behaviour_change"},
        ),
        "concern_older_associates": varies(
            _concern,
            {"agency": "voluntary", "signs": "older_associates"},
            {"agency": "voluntary", "signs": "secretive"},
        ),
        "concern_social_media": varies(
            _concern, {"agency": "voluntary", "signs": "social_media"}, {"agency": "voluntary", "signs": "secretive"}
        ),
    }
)


@case("concerns_from_several_agencies")
def _(county: County, sid: str, fires: bool) -> None:
    _concern(county, sid, "education", "secretive", days=30)
    _concern(county, sid, "voluntary" if fires else "education", "secretive", days=60)


@case("peer_of_child_at_risk")
def _(county: County, sid: str, fires: bool) -> None:
    reference = f"I-{sid}"
    _incident(county, sid, reference, incident_type="welfare_check", role="present")
    _incident(county, PEER_AT_RISK if fires else PEER_NO_CONCERN, reference, incident_type="welfare_check")


def background(county: County) -> None:
    """The people the cases refer to: a line controller, an ordinary adult, a child already at
    risk (NRM referral, arrest for supply) and a child with no concern."""
    county.child(CONTROLLER, dob=date(1990, 1, 1))
    county.child(OTHER_ADULT, dob=date(1988, 1, 1))
    county.person(CONTROLLER, "police", phone="+447700900333")
    county.person(OTHER_ADULT, "police")
    county.child(PEER_AT_RISK, dob=date(2010, 1, 1))
    county.record(
        "NRMReferral",
        PEER_AT_RISK,
        "social_care",
        nrm_reference="N-PEER",
        referred_at=day_ago(200),
        reasonable_grounds="positive",
    )
    _incident(
        county, PEER_AT_RISK, "I-PEER-OWN", incident_type="arrest", offence="Intent to supply", occurred_at=ago(150)
    )
    county.child(PEER_NO_CONCERN, dob=date(2010, 1, 1))
