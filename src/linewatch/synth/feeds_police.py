"""Police feeds, as a force records-management system exports them: nominals, missing
reports, incidents (one row per person present), intelligence logs, associations, ANPR reads.
Names are 'SURNAME, Forename Middle'; dates are DD/MM/YYYY; phones are written 07... ."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.synth import feed_common as fc
from linewatch.synth.feed_common import FeedResult
from linewatch.synth.world import World

RISK = {"high": "HIGH", "medium": "MEDIUM", "low": "LOW", "no_apparent_risk": "NAR"}
EPISODE = {"missing": "Missing", "absent": "Absent", "away_from_placement": "Away from placement"}
INVOLVEMENT = {"subject": "SUBJ", "present": "PRES", "victim": "VICT", "witness": "WITN", "reporting": "REPT"}
INCIDENT = {
    "stop_and_search": "S&S",
    "arrest": "ARR",
    "seizure": "SEIZ",
    "incident": "INC",
    "welfare_check": "WELF",
    "found_in_other_area": "FOA",
}
LINK = {
    "associate": "ASSOC",
    "family": "FAMILY",
    "peer": "PEER",
    "older_associate": "OLDER",
    "uses_phone": "USES_PHONE",
    "registered_phone": "REG_PHONE",
    "lives_at": "LIVES",
    "frequents": "FREQ",
    "found_at": "FOUND",
    "drives": "DRIVES",
    "passenger_in": "PASSENGER",
}
STREET_NAMES = ("Lil J", "Skinz", "Ghost", "Tiny T", "Dee", "Smokes", "Kruz", "Nino", "Bugz", "Trigga", "Ace", "Blade")


def _person_columns(
    identity: pd.DataFrame, rows: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    found = fc.lookup(identity, rows)
    return found, found["local_id"].to_numpy(), fc.surname_first(found), fc.fmt_dates(found["dob"], "%d/%m/%Y")


def render(
    world: World, tables: dict[str, pd.DataFrame], identity: pd.DataFrame, root: Path, rng: np.random.Generator
) -> list[FeedResult]:
    results = []
    sex = {"male": "M", "female": "F"}

    # Nominals: every person the force holds, with their PNC ID where they have one.
    rows = identity["person"].to_numpy()
    line1, town, postcode, _ = fc.address_text(world, identity["address"].to_numpy())
    phone = np.where(rng.random(len(identity)) < 0.45, fc.national_phone(identity["phone"].to_numpy()), "")
    alias = np.where(
        (world.kind[rows] == "gang_member")
        | (np.isin(rows, list(world.exploited_rows)) & (rng.random(rows.size) < 0.3)),
        np.array(STREET_NAMES, dtype=object)[rng.integers(len(STREET_NAMES), size=rows.size)],
        "",
    )
    ethnicity = fc.recorded_ethnicity(rng, identity["ethnicity"].to_numpy(), 0.08)
    count = fc.write_csv(
        root / "police/nominals.csv",
        ["Nominal ID", "Name", "DOB", "Sex", "Ethnicity (SDE)", "PNC ID", "Address", "Postcode", "Phone", "Alias"],
        fc.rows_of(
            identity["local_id"].to_numpy(),
            fc.surname_first(identity),
            fc.fmt_dates(identity["dob"], "%d/%m/%Y"),
            fc.coded(identity["sex"].to_numpy(), sex, "U"),
            fc.coded(ethnicity, fc.SDE_CODES),
            identity["identifier"].to_numpy(),
            np.array([f"{a}, {t}" if a else "" for a, t in zip(line1, town, strict=True)], dtype=object),
            postcode,
            phone,
            alias,
        ),
    )
    results.append(FeedResult("police/nominals.csv", "police", "police_nominals", count, fc.persons_in(identity, rows)))

    missing = tables["missing"]
    rows = missing["person"].to_numpy()
    found, nominal, name, dob = _person_columns(identity, rows)
    reported = pd.to_datetime(missing["reported_at"])
    refs = np.array([f"MIS/{d.year % 100:02d}/{k + 1:06d}" for k, d in enumerate(reported)], dtype=object)
    tables["missing"]["occurrence"] = refs  # social care refers to the police occurrence
    uprn = missing["found_uprn"].fillna(0).astype(np.int64).to_numpy()
    count = fc.write_csv(
        root / "police/missing_reports.csv",
        [
            "Occurrence No",
            "Nominal ID",
            "Name",
            "DOB",
            "Sex",
            "Reported",
            "Last Seen",
            "Returned",
            "Reported By",
            "Risk",
            "Type",
            "Found Location",
            "Found Postcode",
            "Found UPRN",
            "Found Lat",
            "Found Long",
            "Found With",
        ],
        fc.rows_of(
            refs,
            nominal,
            name,
            dob,
            fc.coded(found["sex"].to_numpy(), sex, "U"),
            fc.fmt_dates(missing["reported_at"], "%d/%m/%Y %H:%M"),
            fc.fmt_dates(missing["last_seen_at"], "%d/%m/%Y %H:%M"),
            fc.fmt_dates(missing["returned_at"], "%d/%m/%Y %H:%M"),
            missing["reported_by"].to_numpy(),
            fc.coded(missing["risk"].to_numpy(), RISK),
            fc.coded(missing["episode_type"].to_numpy(), EPISODE),
            missing["found_location"].to_numpy(),
            missing["found_postcode"].to_numpy(),
            np.where(uprn > 0, uprn.astype(str), ""),
            fc.numbers_text(missing["found_latitude"], 5),
            fc.numbers_text(missing["found_longitude"], 5),
            missing["found_with"].fillna("").to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "police/missing_reports.csv",
            "police",
            "police_missing",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, missing, "reported_at"),
        )
    )

    incidents = tables["incidents"].copy()
    incidents = incidents[incidents["person"] >= 0]
    first_time = incidents.groupby("incident")["occurred_at"].transform("min")
    incidents = (
        incidents.assign(_first=first_time)
        .sort_values(["_first", "incident", "person"], kind="stable")
        .drop_duplicates(["incident", "person"])
    )
    numbering = {key: k + 1 for k, key in enumerate(dict.fromkeys(incidents["incident"].tolist()))}
    refs = np.array(
        [
            f"INC-{t.year % 100:02d}-{numbering[i]:07d}"
            for i, t in zip(incidents["incident"], pd.to_datetime(incidents["_first"]), strict=True)
        ],
        dtype=object,
    )
    rows = incidents["person"].to_numpy()
    found, nominal, name, dob = _person_columns(identity, rows)
    count = fc.write_csv(
        root / "police/incidents.csv",
        [
            "Incident Ref",
            "Nominal ID",
            "Name",
            "DOB",
            "Sex",
            "Involvement",
            "Incident Type",
            "Date",
            "Time",
            "Location",
            "Postcode",
            "Lat",
            "Long",
            "Offence",
            "Drugs Found",
            "Drug Type",
            "Cash Found",
            "Cash Amount",
            "Weapon Found",
            "Phones Seized",
            "Outcome",
        ],
        fc.rows_of(
            refs,
            nominal,
            name,
            dob,
            fc.coded(found["sex"].to_numpy(), sex, "U"),
            fc.coded(incidents["role"].to_numpy(), INVOLVEMENT),
            fc.coded(incidents["incident_type"].to_numpy(), INCIDENT),
            fc.fmt_dates(incidents["occurred_at"], "%Y-%m-%d"),
            fc.fmt_dates(incidents["occurred_at"], "%H:%M"),
            incidents["location"].to_numpy(),
            incidents["postcode"].to_numpy(),
            fc.numbers_text(incidents["latitude"], 5),
            fc.numbers_text(incidents["longitude"], 5),
            incidents["offence"].fillna("").to_numpy(),
            fc.yes_no(incidents["drugs_found"]),
            incidents["drug_type"].fillna("").to_numpy(),
            fc.yes_no(incidents["cash_found"]),
            fc.numbers_text(incidents["cash_amount"], 2),
            fc.yes_no(incidents["weapon_found"]),
            fc.numbers_text(incidents["phones_found"]),
        ),
    )
    record_ids = np.array([f"{r}|{n}" for r, n in zip(refs, nominal, strict=True)], dtype=object)
    results.append(
        FeedResult(
            "police/incidents.csv",
            "police",
            "police_incidents",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(record_ids, incidents, "occurred_at"),
        )
    )

    intel = tables["intel"]
    rows = intel["person"].to_numpy()
    found, nominal, name, dob = _person_columns(identity, rows)
    refs = np.array(
        [f"INT/{t.year}/{k + 1:06d}" for k, t in enumerate(pd.to_datetime(intel["recorded_at"]))], dtype=object
    )
    count = fc.write_csv(
        root / "police/intelligence.csv",
        [
            "Intel Ref",
            "Recorded",
            "Grading",
            "Subject Nominal",
            "Subject Name",
            "Subject DOB",
            "Topic",
            "Intelligence Text",
            "Phone",
            "Postcode",
            "VRM",
        ],
        fc.rows_of(
            refs,
            fc.fmt_dates(intel["recorded_at"], "%d-%b-%Y %H:%M"),
            intel["grading"].to_numpy(),
            nominal,
            name,
            dob,
            intel["topic"].to_numpy(),
            intel["text"].to_numpy(),
            fc.national_phone(intel["phone"].fillna("").to_numpy()),
            intel["postcode"].fillna("").to_numpy(),
            intel["vrm"].fillna("").to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "police/intelligence.csv",
            "police",
            "police_intelligence",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, intel, "recorded_at"),
        )
    )

    links = tables["associations"]
    rows = links["person"].to_numpy()
    others = links["other_person"].fillna(-1).astype(np.int64).to_numpy()
    found, nominal, name, dob = _person_columns(identity, rows)
    _, other_nominal, other_name, other_dob = _person_columns(identity, others)
    refs = fc.ids("LNK", len(links), 7)
    count = fc.write_csv(
        root / "police/associations.csv",
        [
            "Link ID",
            "Nominal ID",
            "Name",
            "DOB",
            "Associate Nominal",
            "Associate Name",
            "Associate DOB",
            "Link Type",
            "Phone",
            "VRM",
            "Observed",
            "Source",
        ],
        fc.rows_of(
            refs,
            nominal,
            name,
            dob,
            other_nominal,
            other_name,
            other_dob,
            fc.coded(links["association_type"].to_numpy(), LINK),
            fc.national_phone(links["phone"].fillna("").to_numpy()),
            links["vrm"].fillna("").to_numpy(),
            fc.fmt_dates(links["observed_at"], "%d/%m/%Y"),
            links["source_description"].to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "police/associations.csv",
            "police",
            "police_associations",
            count,
            fc.persons_in(identity, np.concatenate([rows, others])),
            fc.signals_of(refs, links, "observed_at"),
        )
    )

    anpr = tables["anpr"]
    refs = fc.ids("R", len(anpr), 9)
    count = fc.write_csv(
        root / "police/anpr_reads.csv",
        ["Read ID", "VRM", "Camera", "Camera Location", "Read Time", "Lat", "Long"],
        fc.rows_of(
            refs,
            anpr["vrm"].to_numpy(),
            anpr["camera"].to_numpy(),
            anpr["location"].to_numpy(),
            fc.fmt_dates(anpr["seen_at"], "%Y-%m-%dT%H:%M:%S"),
            fc.numbers_text(anpr["latitude"], 5),
            fc.numbers_text(anpr["longitude"], 5),
        ),
    )
    anpr_signals = fc.signals_of(refs, anpr.assign(person=-1), "seen_at")
    results.append(
        FeedResult(
            "police/anpr_reads.csv",
            "police",
            "police_anpr",
            count,
            pd.DataFrame(columns=["source_person_id", "person"]),
            anpr_signals,
        )
    )
    return results
