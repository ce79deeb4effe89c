"""Education records for every pupil: placements (mainstream, special, PRU, alternative
provision, missing education), termly attendance, suspensions and permanent exclusions."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from linewatch.synth.events_background import pick
from linewatch.synth.timeline import Term, terms
from linewatch.synth.world import World

IN_SCHOOL = ("mainstream", "special_school", "pru", "alternative_provision")
SUSPENSION_REASONS = (
    ("persistent_disruptive_behaviour", 0.35),
    ("verbal_abuse_adult", 0.15),
    ("physical_assault_pupil", 0.15),
    ("verbal_abuse_pupil", 0.07),
    ("damage", 0.03),
    ("drug_and_alcohol", 0.03),
    ("bullying", 0.03),
    ("use_or_threat_of_offensive_weapon", 0.02),
    ("theft", 0.02),
    ("racist_abuse", 0.02),
    ("sexual_misconduct", 0.02),
    ("inappropriate_use_of_social_media", 0.02),
    ("wilful_and_repeated_transgression", 0.03),
    ("other", 0.06),
)


def term_day(rng: np.random.Generator, all_terms: list[Term], first: date, last: date) -> date | None:
    """A random school day between two dates, or None if no term falls between them."""
    usable = [t for t in all_terms if t.end >= first and t.start <= last]
    if not usable:
        return None
    term = usable[int(rng.integers(len(usable)))]
    lo, hi = max(term.start, first), min(term.end, last)
    for _ in range(10):
        day = lo + timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))
        if day.weekday() < 5:
            return day
    return lo


def suspension_reasons(rng: np.random.Generator, n: int) -> np.ndarray:
    names, shares = zip(*SUSPENSION_REASONS, strict=True)
    return pick(rng, names, n, shares)


def education_records(world: World, rng: np.random.Generator) -> None:
    people = world.people
    span = world.window
    all_terms = terms(span)
    setting = people["setting"].to_numpy()
    school = people["school"].to_numpy()
    pupils = np.flatnonzero(np.isin(setting, [*IN_SCHOOL, "missing_education"]))
    ages = world.age
    places = world.geo.places
    mainstream_of_town = {
        (t, phase): np.flatnonzero(
            (places["town"].to_numpy() == t)
            & (places["place_type"].to_numpy() == "school")
            & (places["phase"].to_numpy() == phase)
        )
        for t in range(len(world.geo.towns))
        for phase in ("primary", "secondary")
    }

    placements: list[dict[str, object]] = []
    exclusions: list[dict[str, object]] = []
    latest_exclusion = span.start - timedelta(days=30)
    for pupil in pupils:
        i = int(pupil)
        age = float(ages[i])
        joined_age = 4 if age < 11 else 11
        joined = date(span.start.year - int(age - joined_age) - (1 if span.start.month < 9 else 0), 9, 1)
        send = people.at[i, "send"] or "none"
        current = setting[i]
        moved_on: date | None = None
        if i in world.moved_to_pru:
            moved_on = world.moved_to_pru[i]
        elif current in ("pru", "missing_education", "alternative_provision") or (
            current == "mainstream" and people.at[i, "permanently_excluded"]
        ):
            moved_on = (
                term_day(rng, all_terms, span.history_start, latest_exclusion)
                if current != "alternative_provision"
                else date(span.history_start.year, 9, 1)
            )
        if moved_on is not None and current != "mainstream":
            phase = "primary" if age < 11 else "secondary"
            options = mainstream_of_town[(int(world.town[i]), phase)]
            before = int(options[int(rng.integers(options.size))]) if options.size else -1
            placements.append(
                {
                    "person": i,
                    "school": before,
                    "setting": "mainstream",
                    "start_date": joined,
                    "end_date": moved_on,
                    "send": send,
                }
            )
            placements.append(
                {
                    "person": i,
                    "school": int(school[i]),
                    "setting": current,
                    "start_date": moved_on,
                    "end_date": None,
                    "send": send,
                }
            )
            if current == "pru" or people.at[i, "permanently_excluded"]:
                exclusions.append(
                    {
                        "person": i,
                        "school": before,
                        "exclusion_type": "permanent",
                        "start_date": moved_on - timedelta(days=1),
                        "sessions": 0,
                        "reason": str(suspension_reasons(rng, 1)[0]),
                    }
                )
        else:
            placements.append(
                {
                    "person": i,
                    "school": int(school[i]),
                    "setting": current,
                    "start_date": joined,
                    "end_date": None,
                    "send": send,
                }
            )
        if people.at[i, "suspended"]:
            for _ in range(1 + int(rng.poisson(1.0))):
                day = term_day(rng, all_terms, span.history_start, span.end)
                if day is not None:
                    exclusions.append(
                        {
                            "person": i,
                            "school": int(school[i]),
                            "exclusion_type": "suspension",
                            "start_date": day,
                            "sessions": int(rng.choice([1, 2, 2, 4, 6, 10])),
                            "reason": str(suspension_reasons(rng, 1)[0]),
                        }
                    )
    placement_frame = pd.DataFrame(placements)
    placement_frame["signal"] = ""
    placement_frame.loc[
        placement_frame["person"].isin(list(world.moved_to_pru)) & placement_frame["setting"].eq("pru"), "signal"
    ] = "exploitation"
    world.records.add_frame("placements", placement_frame)
    exclusion_frame = pd.DataFrame(
        exclusions, columns=["person", "school", "exclusion_type", "start_date", "sessions", "reason"]
    )
    since = exclusion_frame["person"].map(world.exploited_since)
    caused = since.notna() & (pd.to_datetime(exclusion_frame["start_date"]) >= pd.to_datetime(since))
    exclusion_frame["signal"] = np.where(caused, "exploitation", np.where(since.isna(), "lookalike", ""))
    world.records.add_frame("exclusions", exclusion_frame)

    attending = np.flatnonzero(np.isin(setting, IN_SCHOOL))
    base_rate = people["absence_rate"].to_numpy()[attending]
    base_rate = np.where(
        np.isin(setting[attending], ["pru", "alternative_provision"]), np.maximum(base_rate, 0.2), base_rate
    )
    for term in all_terms:
        rate = np.clip(base_rate * np.exp(rng.normal(0.0, 0.35, attending.size)), 0.0, 0.97)
        signal = np.full(attending.size, "", dtype=object)
        for k, pupil in enumerate(attending):
            override = world.absence_after.get(int(pupil))
            if override is None:
                continue
            began, raised = override
            if began <= term.end:
                share_after = min(
                    1.0, max(0.0, (term.end - max(began, term.start)).days / max(1, (term.end - term.start).days))
                )
                rate[k] = max(rate[k], raised * share_after + rate[k] * (1 - share_after))
                signal[k] = "exploitation" if share_after > 0.2 else ""
        possible = np.full(attending.size, term.sessions_possible)
        missed = rng.binomial(possible, rate)
        unauthorised = rng.binomial(missed, np.where(rate > 0.1, 0.6, 0.25))
        world.records.add_frame(
            "attendance",
            pd.DataFrame(
                {
                    "person": attending,
                    "school": school[attending],
                    "term": term.name,
                    "term_start": np.datetime64(term.start, "D"),
                    "sessions_possible": possible,
                    "sessions_missed": missed,
                    "sessions_unauthorised": unauthorised,
                    "signal": signal,
                }
            ),
        )
