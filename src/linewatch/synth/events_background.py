"""Everyday records about people who are not exploited: the background every agency holds,
including the innocent look-alikes (children who go missing after a family row, are injured at
sport, are stopped and searched with nothing found) that make screening genuinely hard."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linewatch.synth.timeline import random_days, random_times
from linewatch.synth.world import World

MISSING_FOUND_WITH = ("", "friend", "friends", "boyfriend", "girlfriend", "relative", "")
AE_REASONS = (
    "injury_other",
    "illness",
    "dog_bite",
    "self_harm",
    "alcohol",
    "assault",
    "mental_health",
    "overdose",
    "sexual_health",
    "other",
)
AE_SHARES = (0.42, 0.28, 0.02, 0.04, 0.04, 0.05, 0.04, 0.005, 0.04, 0.065)
AE_DETAIL = {
    "injury_other": (
        "Football injury, painful right ankle, X-ray no fracture",
        "Fell from bike, grazes and wrist sprain",
        "Rugby tackle, shoulder pain",
        "Trampoline park injury to knee",
        "Cut hand on glass at home, steri-strips",
    ),
    "illness": (
        "Abdominal pain, discharged with advice",
        "Asthma exacerbation, nebulised",
        "High temperature and rash, viral",
        "Vomiting and dehydration",
    ),
    "dog_bite": ("Dog bite to forearm from family pet",),
    "self_harm": (
        "Superficial self-inflicted lacerations to forearm, CAMHS referral",
        "Took 8 paracetamol after argument at home, bloods taken",
    ),
    "alcohol": ("Intoxicated at party, brought in by friends", "Alcohol intoxication, vomiting"),
    "assault": (
        "Punched at party, facial bruising",
        "Assaulted at school gates, minor head injury",
        "Fight in town centre, split lip",
    ),
    "mental_health": ("Panic attack, anxiety, GP follow-up", "Low mood, crisis team review"),
    "overdose": ("Unintentional overdose of prescribed medication",),
    "sexual_health": ("Emergency contraception requested", "Sexual health screening"),
    "other": ("Foreign body in ear", "Allergic reaction, antihistamine"),
}
ACCOMPANIED = ("Mother", "Father", "Parent", "Friend", "Alone", "Partner", "Grandparent")
REFERRAL_REASONS = (
    "Domestic abuse in household",
    "Neglect concerns",
    "Parental mental health",
    "Parental substance misuse",
    "Child behaviour at home",
    "Physical abuse concern",
    "Housing and financial hardship",
)
CIN_CATEGORIES = (
    "N1 Abuse or neglect",
    "N2 Child's disability",
    "N3 Parental illness or disability",
    "N4 Family in acute stress",
    "N5 Family dysfunction",
    "N6 Socially unacceptable behaviour",
    "N8 Absent parenting",
)
CP_CATEGORIES = ("Neglect", "Emotional abuse", "Physical abuse", "Sexual abuse", "Multiple")


def pick(rng: np.random.Generator, options: tuple[str, ...], n: int, p: tuple[float, ...] | None = None) -> np.ndarray:
    weights = None if p is None else np.array(p) / np.sum(p)
    return np.array(options, dtype=object)[rng.choice(len(options), size=n, p=weights)]


def episodes_for(rng: np.random.Generator, chance: np.ndarray, repeats: np.ndarray) -> np.ndarray:
    """Rows of people, repeated once per event: each person has `chance` of any event and then
    1 + Poisson(`repeats`) of them."""
    has = rng.random(chance.size) < chance
    counts = np.where(has, 1 + rng.poisson(repeats), 0)
    return np.repeat(np.arange(chance.size), counts)


def location_columns(world: World, address_rows: np.ndarray) -> dict[str, np.ndarray]:
    addresses = world.geo.addresses
    picked = addresses.iloc[address_rows]
    town_names = np.array([t.town for t in world.geo.towns], dtype=object)
    return {
        "line1": picked["line1"].to_numpy(),
        "town": town_names[picked["town"].to_numpy()],
        "postcode": picked["postcode"].to_numpy(),
        "uprn": picked["uprn"].to_numpy(),
        "latitude": picked["latitude"].to_numpy(),
        "longitude": picked["longitude"].to_numpy(),
    }


def random_addresses_in(rng: np.random.Generator, world: World, towns: np.ndarray) -> np.ndarray:
    address_town = world.geo.addresses["town"].to_numpy()
    by_town = {t: np.flatnonzero(address_town == t) for t in np.unique(towns)}
    out = np.empty(towns.size, dtype=np.int64)
    for t, pool in by_town.items():
        mask = towns == t
        out[mask] = pool[rng.integers(pool.size, size=int(mask.sum()))]
    return out


def missing_lookalikes(world: World, rng: np.random.Generator) -> None:
    """Children who go missing after family conflict, and looked-after children away from
    placement: found locally (mostly) at a friend's or relative's, in a park or a shop."""
    people = world.people
    innocent = world.innocent()
    child = (world.kind == "child") & (world.age >= 10) & innocent
    looked_after = people["looked_after"].to_numpy()
    chance = np.where(child, np.where(looked_after, 0.11, 0.012), 0.0)
    chance = np.where((world.kind == "young_adult") & innocent, 0.003, chance)
    rows = episodes_for(rng, chance, np.where(looked_after, 2.0, 0.6))
    n = rows.size
    reported = random_times(rng, n, world.window.history_start, world.window.end, night=True)
    home = world.town[rows]
    elsewhere = rng.random(n) < 0.15
    found_town = np.where(elsewhere, rng.integers(len(world.geo.towns), size=n), home)
    found_address = random_addresses_in(rng, world, found_town)
    where = location_columns(world, found_address)
    at_place = rng.random(n) < 0.3
    places = world.geo.places
    place_rows = np.array(
        [
            rng.choice(world.geo.places_of(int(t), "park", "shopping_centre", "takeaway", "youth_club"))
            for t in found_town
        ],
        dtype=np.int64,
    )
    place_names = places["name"].to_numpy()[place_rows] if n else np.array([], dtype=object)
    found_location = np.where(at_place, place_names, where["line1"])
    la = looked_after[rows]
    frame = pd.DataFrame(
        {
            "episode": list(world.records.keys("missing", n)),
            "person": rows,
            "reported_at": reported,
            "last_seen_at": reported - rng.integers(60, 6 * 60, n).astype("timedelta64[m]"),
            "returned_at": reported + rng.integers(2 * 60, 40 * 60, n).astype("timedelta64[m]"),
            "reported_by": np.where(
                la,
                pick(rng, ("Foster carer", "Residential staff"), n),
                pick(rng, ("Mother", "Father", "Parent", "Grandparent"), n),
            ),
            "found_location": [f"{loc}, {town}" for loc, town in zip(found_location, where["town"], strict=True)],
            "found_town": where["town"],
            "found_postcode": np.where(
                at_place, places["postcode"].to_numpy()[place_rows] if n else "", where["postcode"]
            ),
            "found_uprn": np.where(at_place, 0, where["uprn"]),
            "found_latitude": np.where(
                at_place, places["latitude"].to_numpy()[place_rows] if n else 0.0, where["latitude"]
            ),
            "found_longitude": np.where(
                at_place, places["longitude"].to_numpy()[place_rows] if n else 0.0, where["longitude"]
            ),
            "found_with": pick(rng, MISSING_FOUND_WITH, n),
            "risk": pick(rng, ("no_apparent_risk", "low", "medium", "high"), n, (0.2, 0.45, 0.3, 0.05)),
            "episode_type": np.where(la, pick(rng, ("missing", "away_from_placement"), n), "missing"),
            "signal": "lookalike",
        }
    )
    world.records.add_frame("missing", frame)


def return_home_interviews(world: World, rng: np.random.Generator) -> None:
    """An interview offered within 72 hours of every child's return (after all episodes exist)."""
    missing = world.records.table("missing")
    child = world.age[missing["person"].to_numpy()] < 18 if len(missing) else np.array([], dtype=bool)
    missing = missing[child]
    n = len(missing)
    returned = missing["returned_at"].to_numpy().astype("datetime64[m]")
    offered = returned + rng.integers(6 * 60, 70 * 60, n).astype("timedelta64[m]")
    outcome = pick(rng, ("completed", "declined", "unable_to_contact", "not_offered"), n, (0.62, 0.22, 0.11, 0.05))
    completed = np.where(
        outcome == "completed",
        offered + rng.integers(60, 5 * 24 * 60, n).astype("timedelta64[m]"),
        np.datetime64("NaT"),
    )
    exploited = missing["signal"].eq("exploitation").to_numpy()
    disclosures = np.where(
        outcome == "completed",
        np.where(
            exploited,
            pick(
                rng,
                (
                    "Would not say where they had been",
                    "Said they stayed with friends out of town",
                    "Mentioned owing money to older boys",
                    "Had a new phone and trainers, would not explain",
                    "Said they went to see a friend by train",
                    "",
                ),
                n,
                (0.3, 0.2, 0.12, 0.12, 0.1, 0.16),
            ),
            pick(
                rng,
                (
                    "Argument with parent about curfew",
                    "Stayed at friend's house",
                    "Upset about school",
                    "Wanted to see boyfriend/girlfriend",
                    "",
                ),
                n,
            ),
        ),
        "",
    )
    keep = offered <= np.datetime64(world.window.end, "m") + np.timedelta64(24 * 60 - 1, "m")
    frame = pd.DataFrame(
        {
            "person": missing["person"].to_numpy(),
            "episode": missing["episode"].to_numpy(),
            "offered_at": offered,
            "completed_at": completed,
            "outcome": outcome,
            "disclosures": disclosures,
            "signal": missing["signal"].to_numpy(),
        }
    )[keep]
    world.records.add_frame("rhi", frame)


def health_attendances(world: World, rng: np.random.Generator) -> None:
    innocent = world.innocent()
    in_scope = np.isin(world.kind, ["child", "young_adult"])
    per_year = np.select(
        [in_scope, world.kind == "drug_user", world.kind == "vulnerable_adult"],
        [0.28, 0.45, 0.5],
        0.0,
    )
    years = world.window.days / 365.25
    counts = rng.poisson(per_year * years)
    rows = np.repeat(np.arange(counts.size), counts)
    n = rows.size
    reason = pick(rng, AE_REASONS, n, AE_SHARES)
    adult_user = world.kind[rows] == "drug_user"
    reason = np.where(
        adult_user,
        pick(rng, ("overdose", "assault", "illness", "injury_other", "alcohol"), n, (0.3, 0.15, 0.3, 0.15, 0.1)),
        reason,
    )
    reason = np.where(
        (world.kind[rows] == "vulnerable_adult"),
        pick(rng, ("mental_health", "illness", "injury_other", "alcohol", "overdose"), n, (0.3, 0.35, 0.2, 0.1, 0.05)),
        reason,
    )
    girl = ~world.male[rows]
    reason = np.where(girl & (reason == "assault") & (rng.random(n) < 0.4), "self_harm", reason)
    detail = np.array([AE_DETAIL[r][int(rng.integers(len(AE_DETAIL[r])))] for r in reason], dtype=object)
    hospitals = np.array([t.hospital for t in world.geo.towns], dtype=object)
    setting = np.where(
        reason == "sexual_health",
        "sexual_health",
        np.where(rng.random(n) < 0.85, "emergency_department", "urgent_care"),
    )
    signal = np.where(
        np.isin(reason, ["injury_other", "assault", "self_harm"]) & innocent[rows] & in_scope[rows], "lookalike", ""
    )
    frame = pd.DataFrame(
        {
            "person": rows,
            "attended_at": random_times(rng, n, world.window.history_start, world.window.end),
            "setting": setting,
            "reason": reason,
            "clinical_detail": detail,
            "hospital": hospitals[world.town[rows]],
            "accompanied_by": np.where(world.age[rows] < 16, pick(rng, ACCOMPANIED[:4], n), pick(rng, ACCOMPANIED, n)),
            "signal": signal,
        }
    )
    world.records.add_frame("ae", frame)


def substance_misuse(world: World, rng: np.random.Generator) -> None:
    users = np.flatnonzero((world.kind == "drug_user") & (rng.random(world.kind.size) < 0.35))
    young = np.flatnonzero(
        (world.kind == "child") & (world.age >= 13) & world.innocent() & (rng.random(world.kind.size) < 0.006)
    )
    rows = np.concatenate([users, young])
    n = rows.size
    adult = world.kind[rows] == "drug_user"
    frame = pd.DataFrame(
        {
            "person": rows,
            "referred_at": random_days(rng, n, world.window.history_start, world.window.end),
            "substance": np.where(
                adult,
                pick(
                    rng,
                    (
                        "Heroin; crack cocaine",
                        "Crack cocaine",
                        "Heroin",
                        "Cocaine; alcohol",
                        "Heroin; crack cocaine; benzodiazepines",
                    ),
                    n,
                ),
                pick(rng, ("Cannabis", "Alcohol", "Cannabis; alcohol", "Nitrous oxide"), n),
            ),
            "service": np.where(
                adult, "Adult Drug and Alcohol Recovery Service", "Young People's Substance Misuse Service"
            ),
            "status": pick(rng, ("referred", "engaged", "discharged", "disengaged"), n, (0.2, 0.45, 0.15, 0.2)),
            "signal": np.where(adult, "line", ""),
        }
    )
    world.records.add_frame("substance", frame)


def social_care(world: World, rng: np.random.Generator) -> None:
    """Statuses for children in need, on plans, looked after and care leavers; early help; and
    everyday MASH referrals."""
    people = world.people
    start = np.datetime64(world.window.start, "D")
    history = np.datetime64(world.window.history_start, "D")
    born = people["dob"].to_numpy().astype("datetime64[D]")
    rows_out: list[pd.DataFrame] = []

    def statuses(mask: np.ndarray, status: str, back_days: tuple[int, int], categories: tuple[str, ...]) -> None:
        rows = np.flatnonzero(mask)
        n = rows.size
        began = start - rng.integers(back_days[0], back_days[1], n).astype("timedelta64[D]")
        began = np.maximum(began, born[rows] + np.timedelta64(30, "D"))
        rows_out.append(
            pd.DataFrame(
                {
                    "person": rows,
                    "status": status,
                    "start_date": began,
                    "end_date": np.datetime64("NaT"),
                    "placement_type": people["placement_type"].to_numpy()[rows] if status == "looked_after" else "",
                    "placement_postcode": [
                        world.geo.addresses.at[int(a), "postcode"] for a in people["address"].to_numpy()[rows]
                    ]
                    if status == "looked_after"
                    else "",
                    "placement_out_of_area": people["placed_out_of_area"].to_numpy()[rows]
                    if status == "looked_after"
                    else False,
                    "category": pick(rng, categories, n) if categories else "",
                    "signal": "",
                }
            )
        )

    statuses(people["looked_after"].to_numpy(), "looked_after", (30, 6 * 365), CIN_CATEGORIES)
    statuses(people["child_protection_plan"].to_numpy(), "child_protection_plan", (20, 500), CP_CATEGORIES)
    statuses(people["child_in_need"].to_numpy(), "child_in_need", (20, 700), CIN_CATEGORIES)
    leaver = people["care_leaver"].to_numpy()
    rows = np.flatnonzero(leaver)
    eighteenth = born[rows] + np.timedelta64(6575, "D")
    rows_out.append(
        pd.DataFrame(
            {
                "person": rows,
                "status": "care_leaver",
                "start_date": eighteenth,
                "end_date": np.datetime64("NaT"),
                "placement_type": pick(
                    rng,
                    ("supported_accommodation", "independent_living", "unregulated_accommodation", "other"),
                    rows.size,
                    (0.35, 0.45, 0.1, 0.1),
                ),
                "placement_postcode": "",
                "placement_out_of_area": False,
                "category": "",
                "signal": "",
            }
        )
    )
    early = (world.kind == "child") & (rng.random(world.kind.size) < 0.02) & ~people["looked_after"].to_numpy()
    statuses(early, "early_help", (10, 400), ())
    frame = pd.concat(rows_out, ignore_index=True)
    # Some plans and episodes of need ended during the year; none end after the extract date.
    ended = (frame["status"].isin(["child_in_need", "child_protection_plan", "early_help"])) & (
        rng.random(len(frame)) < 0.35
    )
    end_dates = frame["start_date"].to_numpy().astype("datetime64[D]") + rng.integers(60, 400, len(frame)).astype(
        "timedelta64[D]"
    )
    end_dates = np.where(end_dates > np.datetime64(world.window.end, "D"), np.datetime64("NaT"), end_dates)
    frame.loc[ended, "end_date"] = end_dates[ended.to_numpy()]
    frame = frame[(frame["end_date"].isna()) | (frame["end_date"].to_numpy().astype("datetime64[D]") >= history)]
    world.records.add_frame("care_status", frame)

    child = (world.kind == "child") & world.innocent()
    rows = episodes_for(rng, np.where(child, 0.05, 0.0), np.full(child.size, 0.2))
    n = rows.size
    world.records.add_frame(
        "referrals",
        pd.DataFrame(
            {
                "person": rows,
                "referred_at": random_times(rng, n, world.window.history_start, world.window.end),
                "referred_by": pick(
                    rng,
                    ("Police", "School", "Health", "Local authority services", "Individual", "Anonymous"),
                    n,
                    (0.3, 0.22, 0.15, 0.15, 0.12, 0.06),
                ),
                "referred_to": pick(rng, ("mash", "early_help"), n, (0.8, 0.2)),
                "reason": pick(rng, REFERRAL_REASONS, n),
                "outcome": pick(
                    rng,
                    ("no_further_action", "assessment", "strategy_meeting", "section_47", "open"),
                    n,
                    (0.4, 0.42, 0.08, 0.05, 0.05),
                ),
                "signal": "",
            }
        ),
    )


def concern_lookalikes(world: World, rng: np.random.Generator) -> None:
    """Practitioners record worries about children who turn out not to be exploited."""
    child = np.isin(world.kind, ["child", "young_adult"]) & (world.age >= 10) & (world.age < 20) & world.innocent()
    rows = episodes_for(rng, np.where(child, 0.018, 0.0), np.full(child.size, 0.3))
    n = rows.size
    signs = (
        "behaviour_change",
        "social_media",
        "secretive",
        "unexplained_absence",
        "going_missing",
        "older_associates",
        "drug_use_increase",
        "injuries",
        "language",
    )
    weights = np.array((0.25, 0.18, 0.15, 0.15, 0.08, 0.05, 0.06, 0.05, 0.03))
    chosen = [
        ";".join(
            sorted(
                set(
                    np.array(signs)[rng.choice(len(signs), size=1 + int(rng.random() < 0.3), p=weights / weights.sum())]
                )
            )
        )
        for _ in range(n)
    ]
    agency = np.where(world.age[rows] < 18, pick(rng, ("education", "voluntary"), n, (0.8, 0.2)), "voluntary")
    frame = pd.DataFrame(
        {
            "person": rows,
            "agency": agency,
            "recorded_at": random_times(rng, n, world.window.history_start, world.window.end),
            "recorded_by_role": np.where(
                agency == "education",
                pick(rng, ("Designated safeguarding lead", "Head of year", "Form tutor"), n),
                pick(rng, ("Youth worker", "Mentor"), n),
            ),
            "signs": chosen,
            "narrative": pick(
                rng,
                (
                    "Low mood and falling out with friends",
                    "Spending a lot of time online, tired in lessons",
                    "Argument with parents, staying at a friend's",
                    "New friendship group, parent worried",
                    "Change in behaviour since parents separated",
                ),
                n,
            ),
            "signal": "lookalike",
        }
    )
    world.records.add_frame("concerns", frame)
