"""Education feeds from the local authority's pupil database: placements, the termly
attendance census (XLSX, with a title row above the header), suspensions and exclusions with
DfE reason codes, and the schools' safeguarding concern logs. Pupils are known by a local pupil
ID and, usually, a UPN."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.synth import feed_common as fc
from linewatch.synth.feed_common import FeedResult
from linewatch.synth.world import World
from linewatch.synth.writers import write_xlsx

SETTING = {
    "mainstream": "MS",
    "pru": "PRU",
    "alternative_provision": "AP",
    "special_school": "SS",
    "missing_education": "CME",
    "home_educated": "EHE",
    "college": "FE",
    "neet": "NEET",
}
SEN = {"none": "N", "sen_support": "K", "ehc_plan": "E", "": "N"}
EXCLUSION = {"suspension": "FIXD", "permanent": "PERM"}
REASON = {  # DfE exclusion reason codes
    "physical_assault_pupil": "PP",
    "physical_assault_adult": "PA",
    "verbal_abuse_pupil": "VP",
    "verbal_abuse_adult": "VA",
    "use_or_threat_of_offensive_weapon": "OW",
    "bullying": "BU",
    "racist_abuse": "RA",
    "sexual_misconduct": "SM",
    "drug_and_alcohol": "DA",
    "damage": "DM",
    "theft": "TH",
    "persistent_disruptive_behaviour": "PD",
    "inappropriate_use_of_social_media": "MT",
    "wilful_and_repeated_transgression": "PH",
    "other": "OT",
}
PLACE_SETTING = {"school": "MS", "pru": "PRU", "alternative_provision": "AP", "college": "FE"}
PUPIL_HEADER = ["Pupil ID", "UPN", "Legal Surname", "Legal Forename", "Middle Name", "DOB", "Gender"]


def _pupil(identity: pd.DataFrame, rows: np.ndarray) -> list[np.ndarray]:
    found = fc.lookup(identity, rows)
    return [
        found["local_id"].to_numpy(),
        found["identifier"].fillna("").to_numpy(),
        found["surname"].to_numpy(),
        found["given_name"].to_numpy(),
        found["middle_names"].to_numpy(),
        fc.fmt_dates(found["dob"], "%d/%m/%Y"),
        fc.coded(found["sex"].to_numpy(), {"male": "M", "female": "F"}),
    ]


def _school(world: World, school: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    places = world.geo.places
    rows = school.astype(np.int64)
    safe = np.where(rows >= 0, rows, 0)
    names = np.where(rows >= 0, places["name"].to_numpy()[safe], "")
    urns = np.where(rows >= 0, places["urn"].to_numpy()[safe], "")
    kind = np.where(rows >= 0, places["place_type"].to_numpy()[safe], "")
    return names, urns, kind


def render(
    world: World, tables: dict[str, pd.DataFrame], identity: pd.DataFrame, root: Path, rng: np.random.Generator
) -> list[FeedResult]:
    results = []
    la = world.geo.towns[0].local_authority

    placements = tables["placements"]
    rows = placements["person"].to_numpy()
    school, urn, _ = _school(world, placements["school"].to_numpy())
    refs = fc.ids("PL", len(placements), 7)
    count = fc.write_csv(
        root / "education/placements.csv",
        ["Placement ID", *PUPIL_HEADER, "Setting", "School", "URN", "Start", "End", "SEN"],
        fc.rows_of(
            refs,
            *_pupil(identity, rows),
            fc.coded(placements["setting"].to_numpy(), SETTING),
            school,
            urn,
            fc.fmt_dates(placements["start_date"], "%d/%m/%Y"),
            fc.fmt_dates(placements["end_date"], "%d/%m/%Y"),
            fc.coded(placements["send"].fillna("").to_numpy(), SEN),
        ),
    )
    results.append(
        FeedResult(
            "education/placements.csv",
            "education",
            "education_placements",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, placements, "start_date"),
        )
    )

    attendance = tables["attendance"]
    rows = attendance["person"].to_numpy()
    school, urn, kind = _school(world, attendance["school"].to_numpy())
    setting = fc.coded(kind, PLACE_SETTING)
    pupil = _pupil(identity, rows)
    count = write_xlsx(
        root / "education/attendance_census.xlsx",
        "Attendance",
        [[f"Termly attendance census extract, {la} and partner authorities, to {world.window.end:%d/%m/%Y}"]],
        [
            *PUPIL_HEADER,
            "Setting",
            "School",
            "URN",
            "Term",
            "Term Start",
            "Possible Sessions",
            "Sessions Missed",
            "Unauthorised Absence",
        ],
        fc.rows_of(
            *pupil,
            setting,
            school,
            urn,
            attendance["term"].to_numpy(),
            fc.fmt_dates(attendance["term_start"], "%d/%m/%Y"),
            attendance["sessions_possible"].astype(int).to_numpy(),
            attendance["sessions_missed"].astype(int).to_numpy(),
            attendance["sessions_unauthorised"].astype(int).to_numpy(),
        ),
    )
    refs = np.array([f"{p}|{t}" for p, t in zip(pupil[0], attendance["term"], strict=True)], dtype=object)
    results.append(
        FeedResult(
            "education/attendance_census.xlsx",
            "education",
            "education_attendance",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, attendance, "term_start"),
        )
    )

    exclusions = tables["exclusions"]
    rows = exclusions["person"].to_numpy()
    school, urn, kind = _school(world, exclusions["school"].to_numpy())
    refs = fc.ids("EX", len(exclusions), 6)
    count = fc.write_csv(
        root / "education/exclusions.csv",
        ["Exclusion ID", *PUPIL_HEADER, "School", "URN", "Setting", "Category", "Start Date", "Sessions", "Reason"],
        fc.rows_of(
            refs,
            *_pupil(identity, rows),
            school,
            urn,
            fc.coded(kind, PLACE_SETTING),
            fc.coded(exclusions["exclusion_type"].to_numpy(), EXCLUSION),
            fc.fmt_dates(exclusions["start_date"], "%d/%m/%Y"),
            exclusions["sessions"].astype(int).to_numpy(),
            fc.coded(exclusions["reason"].to_numpy(), REASON),
        ),
    )
    results.append(
        FeedResult(
            "education/exclusions.csv",
            "education",
            "education_exclusions",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, exclusions, "start_date"),
        )
    )

    concerns = tables["concerns"]
    concerns = concerns[concerns["agency"] == "education"]
    rows = concerns["person"].to_numpy()
    found = fc.lookup(identity, rows)
    refs = fc.ids("SGC", len(concerns), 6)
    count = fc.write_csv(
        root / "education/safeguarding_concerns.csv",
        ["Concern ID", "Pupil ID", "UPN", "Student", "DOB", "Recorded", "Recorded By", "Categories", "Concern"],
        fc.rows_of(
            refs,
            found["local_id"].to_numpy(),
            found["identifier"].fillna("").to_numpy(),
            fc.forenames_first(found),
            fc.fmt_dates(found["dob"], "%d/%m/%Y"),
            fc.fmt_dates(concerns["recorded_at"], "%d/%m/%Y %H:%M"),
            concerns["recorded_by_role"].to_numpy(),
            concerns["signs"].to_numpy(),
            concerns["narrative"].to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "education/safeguarding_concerns.csv",
            "education",
            "education_concerns",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, concerns, "recorded_at"),
        )
    )
    return results
