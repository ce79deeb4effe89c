"""Each agency's own record of each person it knows: its local id, and the name, date of
birth, address and identifiers as that agency holds them, with noise (see `noise.py`).

An agency system (police records, the school MIS, the hospital ...) keeps one record per person,
so the same spelling appears in every feed that system exports. Different systems disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from linewatch.identifiers import make_pnc_id
from linewatch.synth import noise
from linewatch.synth.world import World


@dataclass(frozen=True, slots=True)
class System:
    name: str
    agency: str
    id_prefix: str
    id_digits: int
    identifier: str | None  # the identifier the system holds: nhs_number | upn | pnc_id
    identifier_share: float  # share of its records that hold it at all, before noise
    dob_can_be_missing: bool = False


SYSTEMS: dict[str, System] = {
    system.name: system
    for system in (
        System("police", "police", "NOM", 7, "pnc_id", 1.0),
        System("social_care", "social_care", "LCS", 6, "nhs_number", 0.6),
        System("education", "education", "PUP", 7, "upn", 1.0),
        System("health_ae", "health", "RKB", 7, "nhs_number", 1.0),
        System("health_substance", "health", "SMS", 6, "nhs_number", 0.85),
        System("housing", "housing", "TEN", 7, None, 0.0),
        System("transport", "transport", "RC", 8, None, 0.0, dob_can_be_missing=True),
        System("voluntary", "voluntary", "VS", 5, None, 0.0, dob_can_be_missing=True),
        System("youth_justice", "youth_justice", "YJ", 6, "pnc_id", 1.0),
    )
}


def people_known_to(world: World, tables: dict[str, pd.DataFrame]) -> dict[str, np.ndarray]:
    """Rows of the population each system holds a record of."""

    def persons(*series: pd.Series) -> np.ndarray:
        values = (
            np.concatenate([s.to_numpy(dtype=np.int64) for s in series]) if series else np.array([], dtype=np.int64)
        )
        return np.unique(values[values >= 0])

    concerns = tables["concerns"]
    return {
        "police": persons(
            tables["missing"]["person"],
            tables["incidents"]["person"],
            tables["intel"]["person"],
            tables["associations"]["person"],
            tables["associations"]["other_person"],
        ),
        "social_care": persons(
            tables["care_status"]["person"],
            tables["referrals"]["person"],
            tables["rhi"]["person"],
            tables["nrm"]["person"],
        ),
        "education": persons(
            tables["placements"]["person"],
            tables["attendance"]["person"],
            tables["exclusions"]["person"],
            concerns.loc[concerns["agency"] == "education", "person"],
        ),
        "health_ae": persons(tables["ae"]["person"]),
        "health_substance": persons(tables["substance"]["person"]),
        "housing": persons(tables["tenancies"]["person"], tables["asb"]["person"]),
        "transport": persons(tables["rail"]["person"]),
        "voluntary": persons(concerns.loc[concerns["agency"] == "voluntary", "person"]),
        "youth_justice": persons(concerns.loc[concerns["agency"] == "youth_justice", "person"]),
    }


def pnc_ids(world: World, rng: np.random.Generator, tables: dict[str, pd.DataFrame]) -> dict[int, str]:
    """A PNC ID for everyone arrested (or charged and known to youth justice) and every gang member."""
    incidents = tables["incidents"]
    arrested = set(
        incidents.loc[(incidents["incident_type"] == "arrest") & (incidents["role"] == "subject"), "person"].tolist()
    )
    arrested |= set(np.flatnonzero(world.kind == "gang_member").tolist())
    concerns = tables["concerns"]
    arrested |= set(concerns.loc[concerns["agency"] == "youth_justice", "person"].tolist())
    born = world.people["dob"].dt.year.to_numpy()
    ids = {}
    for person in sorted(p for p in arrested if p >= 0):
        year2 = (int(born[person]) + int(rng.integers(12, 18))) % 100
        ids[person] = make_pnc_id(year2, int(rng.integers(1, 9_999_999)))
    return ids


def build_records(
    world: World, system: System, rows: np.ndarray, level: str, rng: np.random.Generator, pnc: dict[int, str]
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """The system's person records (one per true person) and the log of noise applied."""
    people = world.people
    rates = noise.rates_for(level)
    n = rows.size
    order = rng.permutation(n)  # local ids are issued in an order unrelated to the truth
    local_ids = np.empty(n, dtype=object)
    first_number = int(rng.integers(10 ** (system.id_digits - 1), 2 * 10 ** (system.id_digits - 1)))
    for position, k in enumerate(order):
        local_ids[k] = f"{system.id_prefix}{first_number + position * 3:0{system.id_digits}d}"
    given = people["given_name"].to_numpy()[rows].copy()
    middle = people["middle_names"].to_numpy()[rows].copy()
    surname = people["surname"].to_numpy()[rows].copy()
    group = people["name_group"].to_numpy()[rows]
    dob = people["dob"].to_numpy().astype("datetime64[D]")[rows].copy()
    address = people["address"].to_numpy()[rows].copy()
    previous = people["prev_address"].to_numpy()[rows]
    identifier = np.full(n, "", dtype=object)
    if system.identifier == "nhs_number":
        identifier = people["nhs_number"].to_numpy()[rows].astype(object).copy()
    elif system.identifier == "upn":
        identifier = people["upn"].to_numpy()[rows].astype(object).copy()
    elif system.identifier == "pnc_id":
        identifier = np.array([pnc.get(int(r), "") for r in rows], dtype=object)
    if system.identifier_share < 1.0:
        identifier = np.where(rng.random(n) < system.identifier_share, identifier, "")

    log: list[dict[str, object]] = []
    draws = {kind: rng.random(n) < rate for kind, rate in rates.items()}

    def note(k: int | np.integer, kind: str, field: str, true_value: object, recorded: object) -> None:
        log.append(
            {
                "system": system.name,
                "agency": system.agency,
                "source_person_id": local_ids[k],
                "person": int(rows[k]),
                "noise": kind,
                "field": field,
                "true_value": str(true_value),
                "recorded_value": str(recorded),
            }
        )

    for k in np.flatnonzero(draws["nickname"]):
        variant = noise.nickname(rng, given[k])
        if variant:
            note(k, "nickname", "given_name", given[k], variant)
            given[k] = variant
    for k in np.flatnonzero(draws["swapped_forename_middle"]):
        if middle[k]:
            note(k, "swapped_forename_middle", "given_name", given[k], middle[k])
            given[k], middle[k] = middle[k], given[k]
    for k in np.flatnonzero(draws["surname_change"]):
        changed = noise.changed_surname(rng, surname[k], group[k])
        note(k, "surname_change", "surname", surname[k], changed)
        surname[k] = changed
    for k in np.flatnonzero(draws["name_typo"]):
        field = "surname" if rng.random() < 0.6 else "given_name"
        source = surname if field == "surname" else given
        slipped = noise.typo(rng, source[k])
        if slipped != source[k]:
            note(k, "name_typo", field, source[k], slipped)
            source[k] = slipped
    for k in np.flatnonzero(draws["dob_day_month_swap"]):
        day = dob[k].astype(object)
        if day.day <= 12 and day.day != day.month:
            swapped = day.replace(day=day.month, month=day.day)
            note(k, "dob_day_month_swap", "date_of_birth", day, swapped)
            dob[k] = np.datetime64(swapped, "D")
    if system.dob_can_be_missing:
        for k in np.flatnonzero(draws["missing_dob"]):
            note(k, "missing_dob", "date_of_birth", dob[k].astype(object), "")
            dob[k] = np.datetime64("NaT")
    for k in np.flatnonzero(draws["old_address"]):
        if previous[k] >= 0:
            note(
                k,
                "old_address",
                "address",
                world.geo.addresses.at[int(address[k]), "line1"],
                world.geo.addresses.at[int(previous[k]), "line1"],
            )
            address[k] = previous[k]
    if system.identifier is not None:
        for k in np.flatnonzero(draws["missing_identifier"] & (identifier != "")):
            note(k, "missing_identifier", system.identifier, identifier[k], "")
            identifier[k] = ""
        for k in np.flatnonzero(draws["invalid_identifier"] & (identifier != "")):
            corrupt = {
                "nhs_number": noise.invalid_nhs_number,
                "upn": noise.invalid_upn,
                "pnc_id": noise.invalid_pnc_id,
            }[system.identifier]
            wrong = corrupt(rng, identifier[k])
            note(k, "invalid_identifier", system.identifier, identifier[k], wrong)
            identifier[k] = wrong

    records = pd.DataFrame(
        {
            "person": rows,
            "local_id": local_ids,
            "given_name": given,
            "middle_names": middle,
            "surname": surname,
            "dob": dob,
            "sex": people["sex"].to_numpy()[rows],
            "ethnicity": people["ethnicity"].to_numpy()[rows],
            "address": address,
            "identifier": identifier,
            "phone": people["phone"].to_numpy()[rows],
            "true_nhs_number": people["nhs_number"].to_numpy()[rows],
        }
    )
    return records, log
