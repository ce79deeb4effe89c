"""Health (A&E as JSON, substance misuse service), housing (tenancies, anti-social behaviour),
transport (rail journeys and transport police) and the voluntary sector and youth justice
concern logs, each in its own layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.synth import feed_common as fc
from linewatch.synth.feed_common import FeedResult
from linewatch.synth.world import World
from linewatch.synth.writers import write_json

AE_REASON = {
    "assault": "ASSLT",
    "stab_wound": "STAB",
    "gunshot": "GSW",
    "dog_bite": "DOGB",
    "overdose": "OD",
    "alcohol": "ETOH",
    "self_harm": "DSH",
    "sexual_health": "SEXH",
    "injury_other": "INJ",
    "illness": "ILL",
    "mental_health": "MH",
    "other": "OTH",
}
AE_SETTING = {
    "emergency_department": "ED",
    "urgent_care": "UTC",
    "sexual_health": "SHC",
    "mental_health": "MHS",
    "gp": "GP",
    "other": "OTH",
}
NHS_GENDER = {"male": "1", "female": "2"}
SM_STATUS = {"referred": "Referred", "engaged": "In treatment", "discharged": "Discharged", "disengaged": "Dropped out"}
TENURE = {
    "secure": "SEC",
    "assured": "ASS",
    "introductory": "INT",
    "temporary": "TMP",
    "supported": "SUP",
    "private_rented": "PRS",
    "other": "OTH",
}
ASB = {
    "visitors_at_all_hours": "VIS",
    "noise": "NOI",
    "drug_litter": "DRL",
    "drug_dealing": "DRD",
    "intimidation": "INT",
    "damage": "DAM",
    "other": "OTH",
}
RAIL = {"rail_journey": "JOURNEY", "rail_stop": "STOP", "transport_police": "BTP"}


def render_health(
    world: World,
    tables: dict[str, pd.DataFrame],
    identities: dict[str, pd.DataFrame],
    root: Path,
    rng: np.random.Generator,
) -> list[FeedResult]:
    results = []
    identity = identities["health_ae"]
    ae = tables["ae"]
    rows = ae["person"].to_numpy()
    found = fc.lookup(identity, rows)
    _, _, postcode, _ = fc.address_text(world, found["address"].astype(np.int64).to_numpy())
    refs = fc.ids("AE", len(ae), 8)
    ethnic = fc.coded(fc.recorded_ethnicity(rng, found["ethnicity"].to_numpy(), 0.1), fc.NHS_ETHNIC_CODES)
    columns = {
        "attendance_id": refs,
        "mrn": found["local_id"].to_numpy(),
        "nhs_number": fc.spaced_nhs(found["identifier"].fillna("").to_numpy()),
        "patient_name": fc.surname_first(found, middle_initial=True, strip_punctuation=True),
        "dob": fc.fmt_dates(found["dob"], "%Y-%m-%d"),
        "gender": fc.coded(found["sex"].to_numpy(), NHS_GENDER, "9"),
        "ethnic_category": ethnic,
        "postcode": postcode,
        "arrival": fc.fmt_dates(ae["attended_at"], "%Y-%m-%dT%H:%M:%S"),
        "department": fc.coded(ae["setting"].to_numpy(), AE_SETTING),
        "hospital": ae["hospital"].to_numpy(),
        "presenting_complaint": fc.coded(ae["reason"].to_numpy(), AE_REASON),
        "clinical_detail": ae["clinical_detail"].to_numpy(),
        "accompanied_by": ae["accompanied_by"].to_numpy(),
    }
    keys = list(columns)
    records = [dict(zip(keys, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    write_json(
        root / "health/ae_attendances.json",
        {
            "extract": {
                "system": "Emergency Care Data Set extract",
                "to": world.window.end.isoformat(),
                "count": len(records),
            },
            "attendances": records,
        },
    )
    results.append(
        FeedResult(
            "health/ae_attendances.json",
            "health",
            "health_ae",
            len(records),
            fc.persons_in(identity, rows),
            fc.signals_of(refs, ae, "attended_at"),
        )
    )

    identity = identities["health_substance"]
    sm = tables["substance"]
    rows = sm["person"].to_numpy()
    found = fc.lookup(identity, rows)
    refs = fc.ids("SMR", len(sm), 6)
    count = fc.write_csv(
        root / "health/substance_misuse.csv",
        [
            "Referral ID",
            "Client ID",
            "NHS Number",
            "First Name",
            "Last Name",
            "Date of Birth",
            "Gender",
            "Referral Date",
            "Substances",
            "Service",
            "Status",
        ],
        fc.rows_of(
            refs,
            found["local_id"].to_numpy(),
            found["identifier"].fillna("").to_numpy(),
            found["given_name"].to_numpy(),
            found["surname"].to_numpy(),
            fc.fmt_dates(found["dob"], "%d/%m/%Y"),
            fc.coded(found["sex"].to_numpy(), {"male": "M", "female": "F"}),
            fc.fmt_dates(sm["referred_at"], "%d/%m/%Y"),
            sm["substance"].to_numpy(),
            sm["service"].to_numpy(),
            fc.coded(sm["status"].to_numpy(), SM_STATUS),
        ),
    )
    results.append(
        FeedResult(
            "health/substance_misuse.csv",
            "health",
            "health_substance_misuse",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, sm, "referred_at"),
        )
    )
    return results


def render_housing(
    world: World, tables: dict[str, pd.DataFrame], identity: pd.DataFrame, root: Path
) -> list[FeedResult]:
    results = []
    tenancies = tables["tenancies"]
    rows = tenancies["person"].to_numpy()
    found = fc.lookup(identity, rows)
    # The landlord knows the property it lets, whatever other agencies hold as the address.
    line1, town, postcode, uprn = fc.address_text(world, tenancies["address"].astype(np.int64).to_numpy())
    refs = fc.ids("TNC", len(tenancies), 7)
    count = fc.write_csv(
        root / "housing/tenancies.csv",
        [
            "Tenancy Ref",
            "Tenant ID",
            "Tenant Name",
            "Tenant DOB",
            "UPRN",
            "Address",
            "Town",
            "Postcode",
            "Tenancy Start",
            "Tenancy End",
            "Tenure",
            "Vulnerability",
        ],
        fc.rows_of(
            refs,
            found["local_id"].to_numpy(),
            fc.forenames_first(found),
            fc.fmt_dates(found["dob"], "%d-%b-%Y"),
            uprn,
            line1,
            town,
            postcode,
            fc.fmt_dates(tenancies["start_date"], "%d-%b-%Y"),
            fc.fmt_dates(tenancies["end_date"], "%d-%b-%Y"),
            fc.coded(tenancies["tenure"].to_numpy(), TENURE),
            tenancies["vulnerability_flags"].fillna("").to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "housing/tenancies.csv",
            "housing",
            "housing_tenancies",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, tenancies, "start_date"),
        )
    )

    asb = tables["asb"]
    rows = asb["person"].to_numpy()
    found = fc.lookup(identity, rows)
    line1, town, postcode, uprn = fc.address_text(world, asb["address"].astype(np.int64).to_numpy())
    refs = np.array(
        [f"ASB{t.year % 100:02d}-{k + 1:05d}" for k, t in enumerate(pd.to_datetime(asb["reported_at"]))], dtype=object
    )
    count = fc.write_csv(
        root / "housing/asb_reports.csv",
        [
            "Case Ref",
            "Reported",
            "UPRN",
            "Address",
            "Town",
            "Postcode",
            "Category",
            "Details",
            "Named Tenant ID",
            "Named Tenant",
        ],
        fc.rows_of(
            refs,
            fc.fmt_dates(asb["reported_at"], "%d-%b-%Y %H:%M"),
            uprn,
            line1,
            town,
            postcode,
            fc.coded(asb["category"].to_numpy(), ASB),
            asb["description"].to_numpy(),
            found["local_id"].to_numpy(),
            fc.forenames_first(found),
        ),
    )
    results.append(
        FeedResult(
            "housing/asb_reports.csv",
            "housing",
            "housing_asb",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, asb, "reported_at"),
        )
    )
    return results


def render_transport(
    world: World, tables: dict[str, pd.DataFrame], identity: pd.DataFrame, root: Path
) -> list[FeedResult]:
    rail = tables["rail"]
    rows = rail["person"].to_numpy()
    found = fc.lookup(identity, rows)
    refs = fc.ids("RS", len(rail), 8)
    count = fc.write_csv(
        root / "transport/rail_sightings.csv",
        [
            "Record ID",
            "Railcard No",
            "Holder Name",
            "Holder DOB",
            "Event",
            "Timestamp",
            "Station CRS",
            "Origin CRS",
            "Destination CRS",
            "Ticket",
            "Station Name",
            "Lat",
            "Lon",
        ],
        fc.rows_of(
            refs,
            found["local_id"].to_numpy(),
            fc.forenames_first(found),
            fc.fmt_dates(found["dob"], "%d/%m/%Y"),
            fc.coded(rail["sighting_type"].to_numpy(), RAIL),
            fc.fmt_dates(rail["seen_at"], "%Y%m%d%H%M"),
            rail["station_code"].to_numpy(),
            rail["origin_station"].to_numpy(),
            rail["destination_station"].to_numpy(),
            rail["ticket_type"].to_numpy(),
            rail["location"].to_numpy(),
            fc.numbers_text(rail["latitude"], 5),
            fc.numbers_text(rail["longitude"], 5),
        ),
    )
    return [
        FeedResult(
            "transport/rail_sightings.csv",
            "transport",
            "transport_rail",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, rail, "seen_at"),
        )
    ]


def render_practitioners(
    world: World, tables: dict[str, pd.DataFrame], identities: dict[str, pd.DataFrame], root: Path
) -> list[FeedResult]:
    results = []
    concerns = tables["concerns"]
    voluntary = concerns[concerns["agency"] == "voluntary"]
    identity = identities["voluntary"]
    rows = voluntary["person"].to_numpy()
    found = fc.lookup(identity, rows)
    refs = fc.ids("VSC", len(voluntary), 5)
    count = fc.write_csv(
        root / "voluntary/concerns.csv",
        ["Ref", "Young Person ID", "Name", "DOB", "Gender", "Date", "Worker Role", "Indicators", "Notes"],
        fc.rows_of(
            refs,
            found["local_id"].to_numpy(),
            fc.forenames_first(found),
            fc.fmt_dates(found["dob"], "%d.%m.%Y"),
            fc.coded(found["sex"].to_numpy(), {"male": "Male", "female": "Female"}, "Prefer not to say"),
            fc.fmt_dates(voluntary["recorded_at"], "%d.%m.%Y %H:%M"),
            voluntary["recorded_by_role"].to_numpy(),
            voluntary["signs"].to_numpy(),
            voluntary["narrative"].to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "voluntary/concerns.csv",
            "voluntary",
            "voluntary_concerns",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, voluntary, "recorded_at"),
        )
    )

    youth = concerns[concerns["agency"] == "youth_justice"]
    identity = identities["youth_justice"]
    rows = youth["person"].to_numpy()
    found = fc.lookup(identity, rows)
    refs = fc.ids("YJC", len(youth), 5)
    count = fc.write_csv(
        root / "youth_justice/contacts.csv",
        [
            "Contact Ref",
            "YJ ID",
            "PNC",
            "Surname",
            "Forename",
            "DOB",
            "Contact Date",
            "Officer Role",
            "Indicators",
            "Notes",
        ],
        fc.rows_of(
            refs,
            found["local_id"].to_numpy(),
            found["identifier"].fillna("").to_numpy(),
            found["surname"].to_numpy(),
            found["given_name"].to_numpy(),
            fc.fmt_dates(found["dob"], "%d/%m/%Y"),
            fc.fmt_dates(youth["recorded_at"], "%d/%m/%Y"),
            youth["recorded_by_role"].to_numpy(),
            youth["signs"].to_numpy(),
            youth["narrative"].to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "youth_justice/contacts.csv",
            "youth_justice",
            "youth_justice_contacts",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, youth, "recorded_at"),
        )
    )
    return results
