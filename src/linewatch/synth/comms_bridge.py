"""Hand the county to the communications-data generator: build the CommsSpec (towns, cell
sites, lines with their numbers and runners, everyone's phones) and call it if it is installed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

from linewatch.synth.comms_spec import CommsSpec, LineNumberPeriod, LineSpec, PersonPhone, RunnerSpec
from linewatch.synth.world import World

CALL_RECORDS_PER_PERSON_IN_SCOPE = 500  # 20,000 in scope -> about 10M call records over 90 days


def build_spec(world: World, seed: int, days: int) -> CommsSpec:
    people = world.people
    start, end = world.window.start, world.window.end
    town_names = [t.town for t in world.geo.towns]
    exploited = world.exploitation.exploited
    cuckooed = world.exploitation.cuckooed
    lines = []
    for line in world.exploitation.lines:
        runners = []
        for child in exploited[exploited["line_id"] == line.line_id].itertuples():
            finish: date | None = child.end
            if finish is not None and finish < start:
                continue
            homes = cuckooed[(cuckooed["line_id"] == line.line_id) & (cuckooed["town"] == child.worked_town)]
            lat = lon = None
            if len(homes):
                where = world.geo.addresses.iloc[int(homes["address"].iloc[0])]
                lat, lon = float(where["latitude"]), float(where["longitude"])
            runners.append(
                RunnerSpec(
                    person_id=str(child.person_id),
                    phone=str(child.work_phone),
                    imei=str(child.work_imei),
                    town=town_names[int(child.worked_town)],
                    active_from=max(child.start, start),
                    active_to=None if finish is None or finish >= end else finish,
                    cuckooed_latitude=lat,
                    cuckooed_longitude=lon,
                )
            )
        customers = [c for c in line.customers if people.at[c, "phone"]]
        lines.append(
            LineSpec(
                line_id=line.line_id,
                brand=line.brand,
                origin_town=town_names[0],
                market_towns=tuple(town_names[t] for t in line.market_towns),
                numbers=tuple(LineNumberPeriod(p.number, p.imei, p.start, p.end) for p in line.numbers),
                closed_on=line.closed_on,
                controller_person_ids=tuple(str(people.at[c, "person_id"]) for c in line.controllers),
                controller_phones=tuple(str(people.at[c, "phone"]) for c in line.controllers if people.at[c, "phone"]),
                runners=tuple(runners),
                customer_phones=tuple(str(people.at[c, "phone"]) for c in customers),
                customer_towns=tuple(town_names[int(people.at[c, "town"])] for c in customers),
            )
        )
    has_phone = people["phone"].to_numpy() != ""
    rows = np.flatnonzero(has_phone)
    phones = tuple(
        PersonPhone(str(pid), str(phone), str(imei), town_names[int(town)])
        for pid, phone, imei, town in zip(
            people["person_id"].to_numpy()[rows],
            people["phone"].to_numpy()[rows],
            people["imei"].to_numpy()[rows],
            people["town"].to_numpy()[rows],
            strict=True,
        )
    )
    in_scope = int(people["in_scope"].sum())
    return CommsSpec(
        start=start,
        days=days,
        towns=world.geo.comms_towns(),
        cell_sites=world.geo.cell_sites,
        lines=tuple(lines),
        person_phones=phones,
        target_records=round(in_scope * CALL_RECORDS_PER_PERSON_IN_SCOPE * days / 90),
        seed=seed,
    )


def generate_comms_if_available(spec: CommsSpec, out: Path, progress: Callable[[str, float], None]) -> str:
    """Run the communications generator; returns 'generated' or why it was skipped."""
    try:
        from linewatch.synth.comms import generate_comms  # type: ignore[attr-defined, unused-ignore]
    except ImportError as error:
        return f"skipped: communications generator not available ({error})"
    generate_comms(spec, out, progress)
    return "generated"
