"""Background records about places and movement: police contacts with people who are not
exploited, housing tenancies and anti-social behaviour, rail journeys and ANPR reads."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linewatch.synth.events_background import episodes_for, location_columns, pick, random_addresses_in
from linewatch.synth.exploitation import vrm
from linewatch.synth.timeline import random_days, random_times
from linewatch.synth.world import World

BLACK_OR_MIXED_BLACK = (
    "black_african",
    "black_caribbean",
    "black_other",
    "mixed_white_black_caribbean",
    "mixed_white_black_african",
)
ARREST_OFFENCES = (
    "Shoplifting",
    "Common assault",
    "Criminal damage",
    "Public order offence",
    "Theft of pedal cycle",
    "Possession of cannabis",
)


def _incident_frame(
    world: World,
    rows: np.ndarray,
    groups: np.ndarray,
    incident_type: np.ndarray,
    occurred: np.ndarray,
    where: dict[str, np.ndarray],
    **columns: object,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "incident": groups,
            "person": rows,
            "role": columns.pop("role", "subject"),
            "incident_type": incident_type,
            "occurred_at": occurred,
            "location": [f"{a}, {t}" for a, t in zip(where["line1"], where["town"], strict=True)],
            "town": where["town"],
            "postcode": where["postcode"],
            "latitude": where["latitude"],
            "longitude": where["longitude"],
        }
    )
    for name, value in columns.items():
        frame[name] = value
    return frame


def police_background(world: World, rng: np.random.Generator) -> None:
    """Stops and searches (mostly nothing found, some groups of friends together), arrests for
    everyday offences, welfare checks on vulnerable adults, possession stops of drug users."""
    people = world.people
    innocent = world.innocent()
    young = np.isin(world.kind, ["child", "young_adult"]) & (world.age >= 13) & innocent
    ethnicity = people["ethnicity"].to_numpy()
    years = world.window.days / 365.25
    # Recorded stop-and-search falls more on Black young people (Home Office, Police powers and
    # procedures); the synthetic police data keeps that bias for the fairness report to see.
    stop_rate = np.where(
        young,
        0.03
        * np.where(world.male, 1.0, 0.25)
        * np.where(np.isin(ethnicity, BLACK_OR_MIXED_BLACK), 2.5, 1.0)
        * np.where(world.town == 0, 1.4, 1.0),
        0.0,
    )
    stop_rate = np.where(world.kind == "drug_user", 0.25, stop_rate)
    rows = np.repeat(np.arange(stop_rate.size), rng.poisson(stop_rate * years))
    n = rows.size
    groups = np.array(list(world.records.keys("incidents", n)), dtype=np.int64)
    occurred = random_times(rng, n, world.window.history_start, world.window.end, night=True)
    where = location_columns(world, random_addresses_in(rng, world, world.town[rows]))
    drugs = rng.random(n) < np.where(world.kind[rows] == "drug_user", 0.5, 0.16)
    frames = [
        _incident_frame(
            world,
            rows,
            groups,
            np.full(n, "stop_and_search", dtype=object),
            occurred,
            where,
            offence="Misuse of Drugs Act s.23 search",
            drugs_found=drugs,
            drug_type=np.where(drugs, np.where(world.kind[rows] == "drug_user", "Heroin (wrap)", "Cannabis"), ""),
            cash_found=False,
            weapon_found=rng.random(n) < 0.02,
            phones_found=np.where(rng.random(n) < 0.9, 1, 0),
            outcome=np.where(
                drugs,
                pick(rng, ("Community resolution", "Cannabis warning", "Arrested"), n, (0.5, 0.4, 0.1)),
                "No further action",
            ),
            signal=np.where(world.kind[rows] == "drug_user", "line", "lookalike"),
        )
    ]
    # Friends stopped together: one or two peers of a similar age from the same town.
    with_friends = np.flatnonzero((world.kind[rows] != "drug_user") & (rng.random(n) < 0.3))
    candidates = np.flatnonzero(young)
    cand_town = world.town[candidates]
    cand_age = world.age[candidates]
    peer_rows, peer_groups, peer_index = [], [], []
    for k in with_friends:
        person = rows[k]
        near = candidates[
            (cand_town == world.town[person]) & (np.abs(cand_age - world.age[person]) < 2.0) & (candidates != person)
        ]
        for friend in (
            rng.choice(near, size=min(near.size, 1 + int(rng.random() < 0.4)), replace=False) if near.size else []
        ):
            peer_rows.append(int(friend))
            peer_groups.append(int(groups[k]))
            peer_index.append(int(k))
    if peer_rows:
        base = frames[0].iloc[peer_index].copy()
        base["person"] = peer_rows
        base["role"] = "present"
        base["drugs_found"] = False
        base["drug_type"] = ""
        base["outcome"] = "No further action"
        frames.append(base)

    arrest_rate = np.where(young, 0.012 * np.where(world.male, 2.0, 0.5), 0.0)
    rows = np.repeat(np.arange(arrest_rate.size), rng.poisson(arrest_rate * years))
    n = rows.size
    where = location_columns(world, random_addresses_in(rng, world, world.town[rows]))
    frames.append(
        _incident_frame(
            world,
            rows,
            np.array(list(world.records.keys("incidents", n)), dtype=np.int64),
            np.full(n, "arrest", dtype=object),
            random_times(rng, n, world.window.history_start, world.window.end),
            where,
            offence=pick(rng, ARREST_OFFENCES, n),
            drugs_found=False,
            drug_type="",
            cash_found=False,
            weapon_found=False,
            phones_found=0,
            outcome=pick(rng, ("Released, no further action", "Youth caution", "Community resolution", "Charged"), n),
            signal="lookalike",
        )
    )
    vulnerable = np.flatnonzero(world.kind == "vulnerable_adult")
    rows = np.repeat(vulnerable, rng.poisson(0.4 * years, vulnerable.size))
    n = rows.size
    where = location_columns(world, people["address"].to_numpy()[rows])
    frames.append(
        _incident_frame(
            world,
            rows,
            np.array(list(world.records.keys("incidents", n)), dtype=np.int64),
            np.full(n, "welfare_check", dtype=object),
            random_times(rng, n, world.window.history_start, world.window.end),
            where,
            role="victim",
            offence="Concern for welfare",
            drugs_found=False,
            drug_type="",
            cash_found=False,
            weapon_found=False,
            phones_found=0,
            outcome="Advice given",
            signal="",
        )
    )
    for frame in frames:
        world.records.add_frame("incidents", frame)

    # Intelligence about everyday crime, with a person named for some.
    named = np.flatnonzero(
        np.isin(world.kind, ["young_adult", "parent", "drug_user"]) & innocent & (rng.random(world.kind.size) < 0.01)
    )
    n = named.size
    world.records.add_frame(
        "intel",
        pd.DataFrame(
            {
                "person": named,
                "recorded_at": random_times(rng, n, world.window.history_start, world.window.end),
                "grading": pick(rng, ("B2 P", "C3 P", "B3 P", "C2 P"), n),
                "topic": pick(rng, ("Shoplifting", "Anti-social behaviour", "Vehicle crime", "Domestic"), n),
                "text": pick(
                    rng,
                    (
                        "Subject believed to be involved in shop thefts in the town centre",
                        "Subject seen with group causing ASB",
                        "Subject reported driving without insurance",
                        "Neighbours report arguments at the address",
                    ),
                    n,
                ),
                "phone": "",
                "postcode": "",
                "vrm": "",
                "signal": "",
            }
        ),
    )


def housing(world: World, rng: np.random.Generator) -> None:
    """Social housing tenancies (tenant: a parent, a young adult living alone, a vulnerable
    adult) and anti-social behaviour reports, with look-alikes of cuckooing."""
    people = world.people
    social = people["social_housing"].to_numpy()
    household = people["household"].to_numpy()
    kind = world.kind
    # One tenant per household: the first parent, else the (independent) young adult.
    tenant = np.zeros(len(people), dtype=bool)
    first_of_household: dict[int, int] = {}
    for i in np.flatnonzero(social & (kind == "parent")):
        first_of_household.setdefault(int(household[i]), int(i))
    tenant[list(first_of_household.values())] = True
    with_parent = np.zeros(int(household.max()) + 2, dtype=bool)
    with_parent[list(first_of_household)] = True
    lone_young = social & (kind == "young_adult") & ~with_parent[np.maximum(household, 0)]
    tenant |= lone_young & (world.age >= 18)
    tenant |= kind == "vulnerable_adult"
    rows = np.flatnonzero(tenant)
    n = rows.size
    flags = people["vulnerability"].to_numpy()[rows].copy()
    flags = np.where(rng.random(n) < 0.8, flags, "")  # housing does not know every vulnerability
    leaver = people["care_leaver"].to_numpy()[rows]
    flags = np.where(leaver, "care_leaver", flags)
    flags = np.where(
        (kind[rows] == "parent") & (rng.random(n) < 0.03),
        pick(rng, ("mental_ill_health", "physical_disability", "alcohol"), n),
        flags,
    )
    start = np.datetime64(world.window.start, "D")
    world.records.add_frame(
        "tenancies",
        pd.DataFrame(
            {
                "person": rows,
                "address": people["address"].to_numpy()[rows],
                "start_date": start - rng.integers(60, 15 * 365, n).astype("timedelta64[D]"),
                "end_date": np.datetime64("NaT"),
                "tenure": np.where(
                    kind[rows] == "vulnerable_adult",
                    pick(rng, ("secure", "supported", "introductory"), n, (0.7, 0.2, 0.1)),
                    pick(
                        rng,
                        ("secure", "assured", "introductory", "temporary", "supported"),
                        n,
                        (0.6, 0.25, 0.08, 0.05, 0.02),
                    ),
                ),
                "vulnerability_flags": flags,
                "signal": "",
            }
        ),
    )
    # Everyday reports, noisy neighbours (several noise reports), and drug-using tenants whose
    # homes draw a report or two of drug litter or visitors without being cuckooed.
    cuckooed = set(world.exploitation.cuckooed["address"].tolist())
    addresses = people["address"].to_numpy()[rows]
    innocent_home = ~np.isin(addresses, list(cuckooed))
    years = world.window.days / 365.25
    everyday = episodes_for(rng, np.where(innocent_home, 0.05 * years, 0.0), np.full(n, 0.3))
    noisy = episodes_for(rng, np.where(innocent_home, 0.01, 0.0), np.full(n, 3.0))
    druggy = np.where(innocent_home & np.char.find(flags.astype(str), "drug_use") >= 0, 0.35, 0.0)
    drug_homes = episodes_for(rng, druggy, np.full(n, 1.0))
    parts = []
    for picks, categories, shares, signal in (
        (everyday, ("noise", "damage", "intimidation", "other"), (0.55, 0.15, 0.15, 0.15), ""),
        (noisy, ("noise", "visitors_at_all_hours", "intimidation"), (0.75, 0.15, 0.1), "lookalike"),
        (drug_homes, ("drug_litter", "visitors_at_all_hours", "noise"), (0.4, 0.4, 0.2), "lookalike"),
    ):
        m = picks.size
        category = pick(rng, categories, m, shares)
        parts.append(
            pd.DataFrame(
                {
                    "address": addresses[picks],
                    "person": np.where(rng.random(m) < 0.3, rows[picks], -1),
                    "reported_at": random_times(rng, m, world.window.history_start, world.window.end, night=True),
                    "category": category,
                    "description": [ASB_TEXT[c][int(rng.integers(len(ASB_TEXT[c])))] for c in category],
                    "signal": signal,
                }
            )
        )
    for part in parts:
        world.records.add_frame("asb", part)


ASB_TEXT = {
    "noise": ("Loud music late at night", "Shouting and banging from the flat", "Parties most weekends"),
    "damage": ("Communal door damaged", "Graffiti in stairwell"),
    "intimidation": ("Neighbour feels intimidated by group outside", "Threats made to neighbour"),
    "other": ("Rubbish left in communal area", "Dog fouling"),
    "visitors_at_all_hours": (
        "Different people calling at the flat day and night",
        "Cars pulling up for a few minutes then leaving",
        "Young people not from the area coming and going",
    ),
    "drug_litter": ("Needles and foil found by the bins", "Small bags and foil in stairwell"),
    "drug_dealing": (
        "Neighbour believes drugs are being sold from the address",
        "Hand-to-hand exchanges seen at the door",
    ),
}


def transport_background(world: World, rng: np.random.Generator) -> list[str]:
    """Rail journeys by railcard holders (students, commuters) and ANPR reads of everyday
    vehicles between the towns. Returns the everyday vehicles' registrations."""
    towns = world.geo.towns
    rail_users = np.flatnonzero(
        np.isin(world.kind, ["child", "young_adult"])
        & (world.age >= 16)
        & world.innocent()
        & (rng.random(world.kind.size) < 0.04)
    )
    rows = np.repeat(rail_users, 2 + rng.poisson(4, rail_users.size))
    n = rows.size
    origin = world.town[rows]
    destination = (origin + 1 + rng.integers(0, len(towns) - 1, n)) % len(towns)
    crs = np.array([t.station_crs for t in towns], dtype=object)
    seen = random_times(rng, n, world.window.history_start, world.window.end)
    world.records.add_frame(
        "rail",
        pd.DataFrame(
            {
                "person": rows,
                "sighting_type": "rail_journey",
                "seen_at": seen,
                "station_code": crs[origin],
                "origin_station": crs[origin],
                "destination_station": crs[destination],
                "ticket_type": pick(rng, ("Off-peak day return", "Anytime single", "Season"), n),
                "latitude": np.array([t.station_latitude for t in towns])[origin],
                "longitude": np.array([t.station_longitude for t in towns])[origin],
                "location": np.array([t.station for t in towns], dtype=object)[origin],
                "signal": "",
            }
        ),
    )
    vehicles = [vrm(rng) for _ in range(max(200, len(world.people) // 100))]
    reads = rng.integers(3, 15, len(vehicles))
    plates = np.repeat(np.array(vehicles, dtype=object), reads)
    m = plates.size
    camera_town = rng.integers(len(towns), size=m)
    cameras = anpr_cameras(world)
    camera_of_read = np.array(
        [rng.choice([c for c in range(len(cameras)) if cameras[c][1] == t]) for t in camera_town], dtype=np.int64
    )
    world.records.add_frame(
        "anpr",
        pd.DataFrame(
            {
                "vrm": plates,
                "camera": [cameras[k][0] for k in camera_of_read],
                "seen_at": random_times(rng, m, world.window.start, world.window.end),
                "latitude": [cameras[k][2] for k in camera_of_read],
                "longitude": [cameras[k][3] for k in camera_of_read],
                "location": [cameras[k][4] for k in camera_of_read],
                "signal": "",
                "line_id": "",
            }
        ),
    )
    return vehicles


def anpr_cameras(world: World) -> list[tuple[str, int, float, float, str]]:
    """Fixed ANPR cameras: two on the main roads into each town."""
    cameras = []
    for t, town in enumerate(world.geo.towns):
        for k, (dlat, dlon, road) in enumerate(((0.02, 0.0, "northern approach"), (-0.015, 0.02, "ring road east"))):
            cameras.append(
                (
                    f"ANPR{t + 1:02d}{k + 1}",
                    t,
                    round(town.latitude + dlat, 5),
                    round(town.longitude + dlon, 5),
                    f"{town.town} {road}",
                )
            )
    return cameras


__all__ = ["anpr_cameras", "housing", "police_background", "random_days", "transport_background"]
