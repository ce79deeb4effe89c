"""The people of the synthetic county: children 8-17 and young adults 18-25 in scope, living
in households with parents, at addresses and schools; and the adults the exploitation needs
(vulnerable adults who may be cuckooed, people who buy drugs, gang members in the hub).

Risk factors are drawn at the published rates in `prevalence.py`. Everything here is a table
(one row per true person) built with numpy, so 200,000 children take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from linewatch.identifiers import make_nhs_number, make_upn
from linewatch.synth import names
from linewatch.synth.comms.numbering import MOBILE_PREFIXES
from linewatch.synth.geography import Geography, build_geography, town_weights
from linewatch.synth.prevalence import ETHNICITY_SHARES, rate

DAYS_PER_YEAR = 365.25
HOUSEHOLD_SIZES = (1, 2, 3, 4)  # children and young adults in scope per household
HOUSEHOLD_SIZE_SHARES = (0.47, 0.37, 0.12, 0.04)
# Handset type allocation codes (8 digits) for synthetic IMEIs.
HANDSET_TACS = ("35209900", "35332011", "35875209", "86769203", "35391110", "35438211", "01332700", "35925406")


@dataclass(slots=True)
class Population:
    people: pd.DataFrame
    geography: Geography
    start: date

    def ages(self, on: date | None = None) -> np.ndarray:
        when = np.datetime64(on or self.start, "D")
        born = self.people["dob"].to_numpy().astype("datetime64[D]")
        return (when - born).astype(np.int64) / DAYS_PER_YEAR


def _calibrated(target: float, multiplier: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Per-person probabilities with the given relative risks whose mean `among` the group the
    published rate describes is `target`."""
    mean = float(multiplier[among].mean()) if among.any() else 1.0
    return np.clip(target * multiplier / mean, 0.0, 0.95)


def _households(rng: np.random.Generator, children: int) -> tuple[np.ndarray, np.ndarray]:
    """(household of each in-scope person, age of each in-scope person)."""
    estimate = int(children / 1.6) + 50
    sizes = rng.choice(HOUSEHOLD_SIZES, p=HOUSEHOLD_SIZE_SHARES, size=estimate)
    cumulative = np.cumsum(sizes)
    n_households = int(np.searchsorted(cumulative, children)) + 1
    sizes = sizes[:n_households].copy()
    sizes[-1] -= int(cumulative[n_households - 1] - children)
    household = np.repeat(np.arange(n_households), sizes)
    first_age = rng.uniform(8.0, 26.0, n_households)
    is_first = np.r_[True, household[1:] != household[:-1]]
    age = first_age[household] + np.where(is_first, 0.0, rng.normal(0.0, 3.5, household.size))
    return household, np.clip(age, 8.0, 25.995)


def imeis_with_check_digit(bodies: np.ndarray) -> np.ndarray:
    """IMEIs for many 14-digit bodies at once: the Luhn digit, as `make_imei` computes it one
    at a time (tests check the two agree), vectorised because the county has many phones."""
    if bodies.size == 0:
        return bodies.astype(object)
    digits = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(-1, 14) - ord("0")
    doubled = digits.astype(np.int64)
    double_at = (13 - np.arange(14)) % 2 == 0
    twice = doubled[:, double_at] * 2
    doubled[:, double_at] = np.where(twice > 9, twice - 9, twice)
    check = (10 - doubled.sum(axis=1) % 10) % 10
    return np.char.add(bodies.astype(str), check.astype(str)).astype(object)


def _identifiers(rng: np.random.Generator, people: pd.DataFrame, geography: Geography) -> None:
    n = len(people)
    # NHS numbers from the range reserved for testing (999 000 0000 - 999 999 9999).
    candidates = 999_000_000 + rng.choice(1_000_000, size=int(n * 1.15) + 20, replace=False)
    numbers = [number for n9 in candidates if (number := make_nhs_number(int(n9))) is not None]
    people["nhs_number"] = numbers[:n]

    pupil = people["kind"].eq("child").to_numpy()
    la_numbers = np.array([t.la_number for t in geography.towns])
    birth_year = people["dob"].dt.year.to_numpy()
    upns = np.full(n, "", dtype=object)
    for serial_index, i in enumerate(np.flatnonzero(pupil)):
        establishment = 2000 + (serial_index // 1000) % 7000
        issued = (int(birth_year[i]) + 5) % 100
        body = f"{la_numbers[people.at[i, 'town']]:03d}{establishment:04d}{issued:02d}{serial_index % 1000:03d}"
        upns[i] = make_upn(body)
    people["upn"] = upns

    age = people["age"].to_numpy()
    has_phone = (age >= 11) & (rng.random(n) < np.where(age < 14, 0.8, 0.93))
    has_phone |= people["kind"].eq("gang_member").to_numpy()  # a line needs its controllers' phones
    # Only ranges every number of which is a valid GB mobile (076 is pagers, 07624 Isle of Man).
    prefixes = np.asarray(MOBILE_PREFIXES, dtype=np.int64)
    block = rng.choice(len(prefixes) * 10_000_000, size=n, replace=False)
    national = prefixes[block // 10_000_000] * 10_000_000 + block % 10_000_000
    phones = np.array([f"+44{s}" for s in national], dtype=object)
    people["phone"] = np.where(has_phone, phones, "")
    tac = np.array(HANDSET_TACS)[rng.integers(len(HANDSET_TACS), size=n)]
    serial = rng.choice(1_000_000, size=n, replace=False)
    imeis = imeis_with_check_digit(np.array([f"{t}{s:06d}" for t, s in zip(tac, serial, strict=True)]))
    people["imei"] = np.where(has_phone, imeis, "")


def _risk_factors(rng: np.random.Generator, people: pd.DataFrame) -> None:
    n = len(people)
    age = people["age"].to_numpy()
    child = people["kind"].eq("child").to_numpy()
    male = people["sex"].eq("male").to_numpy()
    secondary = child & (age >= 11)

    age_factor = np.select([age < 10, age < 16], [0.55, 1.0], 1.45)
    looked_after = child & (rng.random(n) < _calibrated(rate("looked_after"), age_factor, child))
    protection_plan = child & ~looked_after & (rng.random(n) < rate("child_protection_plan"))
    in_need_only = rate("child_in_need") - rate("looked_after") - rate("child_protection_plan")
    child_in_need = child & ~looked_after & ~protection_plan & (rng.random(n) < in_need_only)
    care_leaver = (people["kind"].eq("young_adult").to_numpy()) & (
        rng.random(n) < np.where(age < 22, rate("care_leaver_18_21"), rate("care_leaver_22_25"))
    )

    send_draw = rng.random(n)
    ehc = _calibrated(rate("ehc_plan"), np.where(male, 1.5, 0.5), child)
    support = _calibrated(rate("sen_support"), np.where(male, 1.35, 0.65), child)
    send = np.select(
        [child & (send_draw < ehc), child & (send_draw < ehc + support)], ["ehc_plan", "sen_support"], "none"
    )

    relative = (
        np.where(send != "none", 2.0, 1.0)
        * np.where(looked_after, 2.5, 1.0)
        * np.where(child_in_need | protection_plan, 2.0, 1.0)
        * np.where(male, 1.5, 0.6)
    )
    yearly = np.select([age < 11, age < 16], [rate("suspension_primary"), rate("suspension_secondary")], 0.03)
    suspended = child & (rng.random(n) < np.clip(yearly * relative / relative[child].mean(), 0, 0.9))
    excluded_p = _calibrated(rate("permanent_exclusion") * 2, relative, child) * np.where(age < 11, 0.1, 1.6)
    permanently_excluded = secondary & (age < 17) & (rng.random(n) < excluded_p)

    # Absence: a lognormal rate whose tail matches the published 20% persistent and 2% severe.
    shift = (
        0.45 * (send != "none") + 0.6 * (child_in_need | protection_plan | looked_after) + 0.8 * permanently_excluded
    )
    latent = rng.normal(0.0, 1.0, n) + shift - shift[child].mean()
    absence = np.clip(np.exp(-3.42 + 1.327 * latent), 0.0, 0.95)

    setting = np.full(n, "", dtype=object)
    setting[child] = "mainstream"
    setting[child & (age >= 16)] = np.where(rng.random(int((child & (age >= 16)).sum())) < 0.5, "mainstream", "college")
    setting[child & (send == "ehc_plan") & (rng.random(n) < 0.12)] = "special_school"
    setting[secondary & (rng.random(n) < rate("alternative_provision"))] = "alternative_provision"
    setting[permanently_excluded & (age < 16)] = "pru"
    setting[child & (age < 16) & (rng.random(n) < rate("home_educated"))] = "home_educated"
    setting[child & (rng.random(n) < rate("missing_education"))] = "missing_education"
    setting[child & (age >= 16) & (rng.random(n) < 0.05)] = "neet"

    people["looked_after"] = looked_after
    people["child_protection_plan"] = protection_plan
    people["child_in_need"] = child_in_need
    people["care_leaver"] = care_leaver
    people["send"] = np.where(child, send, "")
    people["suspended"] = suspended
    people["permanently_excluded"] = permanently_excluded
    people["absence_rate"] = np.where(child, np.round(absence, 4), 0.0)
    people["setting"] = setting


PLACEMENT_TYPES = (
    "foster_care",
    "kinship_care",
    "childrens_home",
    "supported_accommodation",
    "unregulated_accommodation",
    "placed_with_parents",
    "secure_unit",
    "other",
)
PLACEMENT_UNDER_16 = (0.70, 0.14, 0.10, 0.0, 0.0, 0.05, 0.005, 0.005)
PLACEMENT_16_17 = (0.50, 0.08, 0.14, 0.10, 0.10, 0.05, 0.01, 0.02)


def _places_and_homes(
    rng: np.random.Generator, people: pd.DataFrame, geography: Geography, spare: dict[int, list[int]]
) -> None:
    """Schools for pupils; placements for looked-after children (a new address, sometimes in
    another town); previous addresses for people who moved."""
    n = len(people)
    town = people["town"].to_numpy()
    age = people["age"].to_numpy()
    setting = people["setting"].to_numpy()
    places = geography.places
    school = np.full(n, -1, dtype=np.int64)
    phase_of = places["phase"].to_numpy()
    ptype = places["place_type"].to_numpy()
    ptown = places["town"].to_numpy()
    for i in np.flatnonzero(setting != ""):
        s = setting[i]
        if s in {"home_educated", "missing_education", "neet"}:
            continue
        if s == "mainstream":
            phase = "primary" if age[i] < 11 else "secondary"
            options = np.flatnonzero((ptown == town[i]) & (ptype == "school") & (phase_of == phase))
        elif s == "college":
            options = np.flatnonzero((ptype == "college") & (ptown == town[i]))
            if options.size == 0:
                options = np.flatnonzero((ptype == "college") & (ptown == 0))
        elif s == "special_school":
            options = np.flatnonzero(phase_of == "special")
        else:  # pru / alternative_provision
            options = np.flatnonzero(ptype == s)
        school[i] = options[rng.integers(options.size)] if options.size else -1
    people["school"] = school

    placement = np.full(n, "", dtype=object)
    out_of_area = np.zeros(n, dtype=bool)
    previous = people["prev_address"].to_numpy().copy()
    address = people["address"].to_numpy().copy()
    home_town = town.copy()
    for i in np.flatnonzero(people["looked_after"].to_numpy()):
        shares = PLACEMENT_16_17 if age[i] >= 16 else PLACEMENT_UNDER_16
        placement[i] = PLACEMENT_TYPES[int(rng.choice(len(PLACEMENT_TYPES), p=shares))]
        if placement[i] == "placed_with_parents":
            continue
        placed_town = int(town[i])
        if rng.random() < 0.25:
            placed_town = int(rng.integers(len(geography.towns)))
            out_of_area[i] = placed_town != town[i]
        previous[i] = address[i]
        address[i] = spare[placed_town].pop()
        home_town[i] = placed_town
    people["placement_type"] = placement
    people["placed_out_of_area"] = out_of_area
    people["address"] = address
    people["prev_address"] = previous
    people["town"] = home_town


def _frame(
    kind: str, household: np.ndarray, age: np.ndarray, sex: np.ndarray, town: np.ndarray, ethnicity: np.ndarray
) -> pd.DataFrame:
    return pd.DataFrame(
        {"kind": kind, "household": household, "age": age, "sex": sex, "town": town, "ethnicity": ethnicity}
    )


def build_population(rng: np.random.Generator, children: int, lines: int, start: date) -> Population:
    weights = town_weights()
    n_towns = weights.size
    market_weights = weights.copy()
    market_weights[0] = 0.0
    market_weights /= market_weights.sum()
    ethnicities = np.array(list(ETHNICITY_SHARES))
    shares = np.array(list(ETHNICITY_SHARES.values()))
    shares = shares / shares.sum()

    member_household, member_age = _households(rng, children)
    n_households = int(member_household.max()) + 1
    hh_town = rng.choice(n_towns, p=weights, size=n_households)
    hh_ethnicity = rng.choice(ethnicities, p=shares, size=n_households)
    hh_size = np.bincount(member_household, minlength=n_households)
    oldest = np.zeros(n_households)
    np.maximum.at(oldest, member_household, member_age)
    independent = (hh_size == 1) & (oldest >= 19) & (rng.random(n_households) < 0.55)
    lone_parent = ~independent & (rng.random(n_households) < 0.25)

    in_scope = _frame(
        "child",
        member_household,
        member_age,
        np.where(rng.random(member_household.size) < 0.51, "male", "female"),
        hh_town[member_household],
        hh_ethnicity[member_household],
    )
    in_scope.loc[in_scope["age"] >= 18, "kind"] = "young_adult"

    with_parents = np.flatnonzero(~independent)
    mother_age = oldest[with_parents] + rng.uniform(20.0, 38.0, with_parents.size)
    mothers = _frame(
        "parent",
        with_parents,
        mother_age,
        np.where(lone_parent[with_parents] & (rng.random(with_parents.size) < 0.1), "male", "female"),
        hh_town[with_parents],
        hh_ethnicity[with_parents],
    )
    couples = np.flatnonzero(~independent & ~lone_parent)
    fathers = _frame(
        "parent",
        couples,
        oldest[couples] + rng.uniform(21.0, 42.0, couples.size),
        np.full(couples.size, "male"),
        hh_town[couples],
        hh_ethnicity[couples],
    )

    def adults(kind: str, count: int, hub_share: float, lo: float, hi: float, male_share: float) -> pd.DataFrame:
        town = np.where(rng.random(count) < hub_share, 0, rng.choice(n_towns, p=market_weights, size=count))
        frame = _frame(
            kind,
            np.full(count, -1),
            rng.uniform(lo, hi, count),
            np.where(rng.random(count) < male_share, "male", "female"),
            town,
            rng.choice(ethnicities, p=shares, size=count),
        )
        return frame

    vulnerable = adults("vulnerable_adult", max(60, round(children * 0.006)), 0.2, 24.0, 78.0, 0.55)
    drug_users = adults("drug_user", max(1, lines) * 110, 0.0, 20.0, 60.0, 0.68)
    gang = adults("gang_member", max(1, lines) * 3, 1.0, 24.0, 38.0, 0.92)
    local_associates = adults("gang_member", len(weights) - 1, 0.0, 26.0, 34.0, 0.9)
    local_associates["town"] = np.arange(1, n_towns)
    people = pd.concat([in_scope, mothers, fathers, vulnerable, drug_users, gang, local_associates], ignore_index=True)
    n = len(people)
    people.insert(0, "person_id", [f"TP{i + 1:07d}" for i in range(n)])
    people["in_scope"] = people["kind"].isin(["child", "young_adult"])
    days_old = (people["age"].to_numpy() * DAYS_PER_YEAR).astype(np.int64)
    people["dob"] = pd.to_datetime(np.datetime64(start, "D") - days_old.astype("timedelta64[D]"))

    # Names: a household shares a surname (a lone mother keeps her own in a third of cases).
    group = names.name_group_for(rng, people["ethnicity"].to_numpy())
    hh_group = np.empty(n_households, dtype=object)
    member_rows = people["household"].to_numpy()
    first_rows = np.unique(member_rows[member_rows >= 0], return_index=True)[1]
    hh_group[member_rows[first_rows]] = group[first_rows]
    household_surname = names.surnames(rng, hh_group)
    own_surname = names.surnames(rng, group)
    has_household = member_rows >= 0
    surname = np.where(has_household, household_surname[np.maximum(member_rows, 0)], own_surname)
    keeps_own = (
        (people["kind"].eq("parent").to_numpy()) & lone_parent[np.maximum(member_rows, 0)] & (rng.random(n) < 0.33)
    )
    surname = np.where(keeps_own, own_surname, surname)
    era = np.where(people["age"].to_numpy() < 26, "young", "adult")
    sex = people["sex"].to_numpy()
    given = names.forenames(rng, group, sex, era)
    people["given_name"] = given
    people["middle_names"] = names.middle_names(rng, given, group, sex, era, share=0.6)
    people["surname"] = surname
    people["name_group"] = group

    # Addresses: one per household or single adult, plus spare homes for placements and moves.
    person_unit = np.where(has_household, member_rows, n_households + np.arange(n))
    unit_town = np.zeros(n_households + n, dtype=np.int64)
    unit_town[person_unit] = people["town"].to_numpy()
    units_used = np.unique(person_unit)
    per_town = np.bincount(unit_town[units_used], minlength=n_towns)
    geography = build_geography(rng, [int(c * 1.5) + 60 for c in per_town])
    spare: dict[int, list[int]] = {}
    unit_address = np.full(n_households + n, -1, dtype=np.int64)
    for t in range(n_towns):
        addresses = rng.permutation(geography.addresses_in(t))
        units = units_used[unit_town[units_used] == t]
        unit_address[units] = addresses[: units.size]
        spare[t] = list(addresses[units.size :])
    people["address"] = unit_address[person_unit]
    moved = rng.random(n_households + n) < 0.3
    previous = np.full(n_households + n, -1, dtype=np.int64)
    for unit in units_used[moved[units_used]]:
        t = int(unit_town[unit]) if rng.random() < 0.85 else int(rng.integers(n_towns))
        if spare[t]:
            previous[unit] = spare[t].pop()
    people["prev_address"] = previous[person_unit]
    social = rng.random(n_households + n) < np.where(unit_town >= 0, 0.17, 0.17)
    social[n_households:] = False
    social[:n_households][lone_parent] |= rng.random(int(lone_parent.sum())) < 0.25
    people["social_housing"] = social[person_unit] | people["kind"].eq("vulnerable_adult").to_numpy()

    flags = np.full(n, "", dtype=object)
    vulnerable_rows = np.flatnonzero(people["kind"].eq("vulnerable_adult").to_numpy())
    options = ("drug_use", "alcohol", "learning_disability", "mental_ill_health", "physical_disability")
    chances = (0.4, 0.2, 0.25, 0.45, 0.1)
    for i in vulnerable_rows:
        chosen = [flag for flag, p in zip(options, chances, strict=True) if rng.random() < p]
        if people.at[i, "age"] >= 65:
            chosen.append("elderly")
        flags[i] = ";".join(chosen or ["mental_ill_health"])
    flags[people["kind"].eq("drug_user").to_numpy()] = "drug_use"
    people["vulnerability"] = flags

    _risk_factors(rng, people)
    _places_and_homes(rng, people, geography, spare)
    people["age"] = np.round(people["age"], 3)
    _identifiers(rng, people, geography)
    return Population(people, geography, start)
