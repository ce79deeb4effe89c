"""Children's social care feeds (a case management system export): statuses with placements,
MASH contacts and referrals, return home interviews, NRM referrals. People are known by case
ID, with separate forename and surname columns, ISO dates and sometimes an NHS number."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.synth import feed_common as fc
from linewatch.synth.feed_common import FeedResult
from linewatch.synth.world import World

STATUS = {
    "child_in_need": "CIN",
    "child_protection_plan": "CPP",
    "looked_after": "LAC",
    "care_leaver": "CL",
    "early_help": "EH",
}
PLACEMENT = {  # SSDA903-style placement codes
    "foster_care": "U4",
    "kinship_care": "U1",
    "childrens_home": "K2",
    "secure_unit": "K1",
    "unregulated_accommodation": "H5",
    "supported_accommodation": "S1",
    "placed_with_parents": "P1",
    "independent_living": "P2",
    "other": "Z1",
}
REFERRED_TO = {
    "mash": "MASH",
    "early_help": "EH",
    "exploitation_hub": "EXH",
    "mace_panel": "MACE",
    "youth_justice": "YJ",
    "voluntary_sector": "VS",
    "other": "OTH",
}
OUTCOME = {
    "open": "OPEN",
    "no_further_action": "NFA",
    "assessment": "ASMT",
    "strategy_meeting": "STRAT",
    "section_47": "S47",
    "closed": "CLOSED",
}
RHI_OUTCOME = {"completed": "COMP", "declined": "DECL", "unable_to_contact": "NOC", "not_offered": "NOFF"}
NRM_TYPE = {
    "criminal": "CCE",
    "sexual": "CSE",
    "labour": "LAB",
    "domestic_servitude": "DS",
    "mixed": "MIX",
    "other": "OTH",
}
DECISION = {"pending": "Pending", "positive": "Positive", "negative": "Negative"}
PERSON_HEADER = ["Case ID", "Forename", "Surname", "DOB", "Gender", "Ethnicity", "NHS Number"]


def _person(identity: pd.DataFrame, rows: np.ndarray, ethnicity: dict[int, str]) -> list[np.ndarray]:
    found = fc.lookup(identity, rows)
    return [
        found["local_id"].to_numpy(),
        found["given_name"].to_numpy(),
        found["surname"].to_numpy(),
        fc.fmt_dates(found["dob"], "%Y-%m-%d"),
        fc.coded(found["sex"].to_numpy(), {"male": "Male", "female": "Female"}, "Unknown"),
        fc.coded(np.array([ethnicity.get(int(r), "not_stated") for r in rows], dtype=object), fc.DFE_CODES),
        fc.spaced_nhs(found["identifier"].fillna("").to_numpy()),
    ]


def render(
    world: World, tables: dict[str, pd.DataFrame], identity: pd.DataFrame, root: Path, rng: np.random.Generator
) -> list[FeedResult]:
    results = []
    recorded = fc.recorded_ethnicity(rng, identity["ethnicity"].to_numpy(), 0.05)
    ethnicity = dict(zip(identity["person"].tolist(), recorded.tolist(), strict=True))

    status = tables["care_status"]
    rows = status["person"].to_numpy()
    refs = fc.ids("EP", len(status), 7)
    count = fc.write_csv(
        root / "social_care/statuses.csv",
        [
            "Episode ID",
            *PERSON_HEADER,
            "Legal Status",
            "Start",
            "End",
            "Placement",
            "Placement Postcode",
            "Out of Area",
            "Category",
        ],
        fc.rows_of(
            refs,
            *_person(identity, rows, ethnicity),
            fc.coded(status["status"].to_numpy(), STATUS),
            fc.fmt_dates(status["start_date"], "%Y-%m-%d"),
            fc.fmt_dates(status["end_date"], "%Y-%m-%d"),
            fc.coded(status["placement_type"].fillna("").to_numpy(), PLACEMENT),
            status["placement_postcode"].fillna("").to_numpy(),
            np.where(status["status"].to_numpy() == "looked_after", fc.yes_no(status["placement_out_of_area"]), ""),
            status["category"].fillna("").to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "social_care/statuses.csv",
            "social_care",
            "social_care_statuses",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, status, "start_date"),
        )
    )

    referrals = tables["referrals"]
    rows = referrals["person"].to_numpy()
    found = fc.lookup(identity, rows)
    _, _, postcode, _ = fc.address_text(world, found["address"].fillna(-1).astype(np.int64).to_numpy())
    refs = fc.ids("CON", len(referrals), 7)
    count = fc.write_csv(
        root / "social_care/referrals.csv",
        ["Contact ID", *PERSON_HEADER, "Postcode", "Contact Date", "Source", "Referred To", "Reason", "Outcome"],
        fc.rows_of(
            refs,
            *_person(identity, rows, ethnicity),
            postcode,
            fc.fmt_dates(referrals["referred_at"], "%Y-%m-%d %H:%M"),
            referrals["referred_by"].to_numpy(),
            fc.coded(referrals["referred_to"].to_numpy(), REFERRED_TO),
            referrals["reason"].to_numpy(),
            fc.coded(referrals["outcome"].fillna("").to_numpy(), OUTCOME),
        ),
    )
    results.append(
        FeedResult(
            "social_care/referrals.csv",
            "social_care",
            "social_care_referrals",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, referrals, "referred_at"),
        )
    )

    rhi = tables["rhi"]
    rows = rhi["person"].to_numpy()
    found = fc.lookup(identity, rows)
    occurrence = (
        dict(zip(tables["missing"]["episode"].tolist(), tables["missing"]["occurrence"].tolist(), strict=True))
        if "occurrence" in tables["missing"]
        else {}
    )
    refs = fc.ids("RHI", len(rhi), 6)
    count = fc.write_csv(
        root / "social_care/return_home_interviews.csv",
        ["RHI ID", "Case ID", "Child Name", "DOB", "Police Ref", "Offered", "Completed", "Outcome", "Disclosures"],
        fc.rows_of(
            refs,
            found["local_id"].to_numpy(),
            fc.forenames_first(found),
            fc.fmt_dates(found["dob"], "%Y-%m-%d"),
            np.array([occurrence.get(e, "") for e in rhi["episode"]], dtype=object),
            fc.fmt_dates(rhi["offered_at"], "%Y-%m-%d %H:%M"),
            fc.fmt_dates(rhi["completed_at"], "%Y-%m-%d %H:%M"),
            fc.coded(rhi["outcome"].to_numpy(), RHI_OUTCOME),
            rhi["disclosures"].fillna("").to_numpy(),
        ),
    )
    results.append(
        FeedResult(
            "social_care/return_home_interviews.csv",
            "social_care",
            "social_care_rhi",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, rhi, "offered_at"),
        )
    )

    nrm = tables["nrm"]
    rows = nrm["person"].to_numpy()
    refs = np.array([f"NRM{t.year}{k + 1:05d}" for k, t in enumerate(pd.to_datetime(nrm["referred_at"]))], dtype=object)
    count = fc.write_csv(
        root / "social_care/nrm_referrals.csv",
        [
            "NRM Ref",
            *PERSON_HEADER,
            "Referred",
            "First Responder",
            "Type",
            "RG Decision",
            "RG Date",
            "CG Decision",
            "CG Date",
        ],
        fc.rows_of(
            refs,
            *_person(identity, rows, ethnicity),
            fc.fmt_dates(nrm["referred_at"], "%Y-%m-%d"),
            nrm["first_responder"].to_numpy(),
            fc.coded(nrm["exploitation_type"].to_numpy(), NRM_TYPE),
            fc.coded(nrm["reasonable_grounds"].to_numpy(), DECISION),
            fc.fmt_dates(nrm["reasonable_grounds_at"], "%Y-%m-%d"),
            fc.coded(nrm["conclusive_grounds"].to_numpy(), DECISION),
            fc.fmt_dates(nrm["conclusive_grounds_at"], "%Y-%m-%d"),
        ),
    )
    results.append(
        FeedResult(
            "social_care/nrm_referrals.csv",
            "social_care",
            "social_care_nrm",
            count,
            fc.persons_in(identity, rows),
            fc.signals_of(refs, nrm, "referred_at"),
        )
    )
    return results
