"""Records the lines themselves leave: intelligence and arrests of gang members, the line
vehicle on ANPR, customers stopped and named, and the cuckooed homes: anti-social behaviour
reports, police visits with the runners present, intelligence naming the postcode, closure
orders."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from linewatch.synth.events_exploited import GIRLS_POLICE_CONTACT_FACTOR, ExploitedChildren
from linewatch.synth.events_places import ASB_TEXT, anpr_cameras
from linewatch.synth.timeline import one_time
from linewatch.synth.world import World

CUCKOO_ASB = (
    ("visitors_at_all_hours", 0.35),
    ("drug_litter", 0.2),
    ("drug_dealing", 0.2),
    ("noise", 0.15),
    ("intimidation", 0.1),
)


def _days(rng: np.random.Generator, first: date, last: date, per_month: float) -> list[date]:
    if last < first:
        return []
    count = int(rng.poisson(per_month * ((last - first).days + 1) / 30.0))
    return sorted(first + timedelta(days=int(d)) for d in rng.integers(0, (last - first).days + 1, count))


def line_events(world: World, rng: np.random.Generator, children: ExploitedChildren) -> None:
    records = world.records
    cameras = anpr_cameras(world)
    end = world.window.end
    for line in world.exploitation.lines:
        active_from = max(line.established, world.window.history_start)
        active_to = min(line.closed_on or end, end)
        crew = [*line.controllers, *line.associates]
        market = ", ".join(world.town_name(t) for t in line.market_towns)
        for day in _days(rng, active_from, active_to, 1.2):
            number = children.line_number_on(line, day)
            person = crew[int(rng.integers(len(crew)))]
            records.add(
                "intel",
                person=person,
                recorded_at=one_time(rng, day),
                grading=str(rng.choice(["B2 P", "A2 P", "C3 P"])),
                topic="County lines",
                text=(
                    f"'{line.brand}' deal line operating from {world.town_name(0)} into {market}; "
                    f"number {number}; runners sent by train and car."
                ),
                phone=number,
                postcode="",
                vrm=line.vehicle if rng.random() < 0.5 else "",
                signal="line",
                line_id=line.line_id,
            )
        # Customers name the line when stopped.
        for day in _days(rng, max(world.window.start - timedelta(days=120), active_from), active_to, 1.5):
            customer = line.customers[int(rng.integers(len(line.customers)))]
            records.add(
                "intel",
                person=customer,
                recorded_at=one_time(rng, day),
                grading="C3 P",
                topic="Drugs supply",
                text=(
                    f"Subject buys crack cocaine from the '{line.brand}' line, "
                    f"texts {children.line_number_on(line, day)}."
                ),
                phone=children.line_number_on(line, day),
                postcode="",
                vrm="",
                signal="line",
                line_id=line.line_id,
            )
        # The line vehicle drives out to the market towns, mostly at night.
        hub_cameras = [c for c in cameras if c[1] == 0]
        for day in _days(rng, max(active_from, world.window.start), active_to, 8.0):
            out = one_time(rng, day, night=True)
            town = line.market_towns[int(rng.integers(len(line.market_towns)))]
            for when, camera in (
                (out, hub_cameras[int(rng.integers(len(hub_cameras)))]),
                (out + timedelta(minutes=int(rng.integers(35, 80))), next(c for c in cameras if c[1] == town)),
            ):
                if when.date() <= end:
                    records.add(
                        "anpr",
                        vrm=line.vehicle,
                        camera=camera[0],
                        seen_at=when,
                        latitude=camera[2],
                        longitude=camera[3],
                        location=camera[4],
                        signal="line",
                        line_id=line.line_id,
                    )
        if line.closed_on is not None and line.closed_on <= end:
            # Closing a line for good: the controller is arrested.
            controller = line.controllers[0]
            where = world.address(int(world.people.at[controller, "address"]))
            records.add(
                "incidents",
                incident=records.keys("incidents")[0],
                person=controller,
                role="subject",
                incident_type="arrest",
                occurred_at=one_time(rng, line.closed_on),
                location=f"{where['line1']}, {where['town']}",
                town=where["town"],
                postcode=where["postcode"],
                latitude=where["latitude"],
                longitude=where["longitude"],
                offence="Conspiracy to supply Class A",
                drugs_found=True,
                drug_type="Crack cocaine and heroin",
                cash_found=True,
                cash_amount=float(rng.integers(200, 900)) * 10,
                weapon_found=False,
                phones_found=int(rng.integers(3, 7)),
                outcome="Charged; remanded",
                signal="line",
                line_id=line.line_id,
            )
        for member in crew:
            vehicle = world.exploitation.gang_vehicles.get(member, "")
            records.add(
                "associations",
                person=member,
                other_person=-1,
                phone=str(world.people.at[member, "phone"]),
                address=-1,
                vrm="",
                association_type="uses_phone",
                observed_at=active_from + timedelta(days=int(rng.integers(0, 60))),
                source_description="Intelligence",
                signal="line",
            )
            if vehicle:
                records.add(
                    "associations",
                    person=member,
                    other_person=-1,
                    phone="",
                    address=-1,
                    vrm=vehicle,
                    association_type="drives",
                    observed_at=active_from + timedelta(days=int(rng.integers(0, 60))),
                    source_description="ANPR and stop check",
                    signal="line",
                )
            for other in crew:
                if other > member:
                    records.add(
                        "associations",
                        person=member,
                        other_person=other,
                        phone="",
                        address=-1,
                        vrm="",
                        association_type="associate",
                        observed_at=active_from + timedelta(days=int(rng.integers(0, 90))),
                        source_description="Seen together",
                        signal="line",
                    )


def exploited_associations(world: World, rng: np.random.Generator) -> None:
    """Police link the children they have met to the line's adults, peers, phones and homes."""
    records = world.records
    lines = {line.line_id: line for line in world.exploitation.lines}
    first_police: dict[int, date] = {}
    for row in records.pending("incidents"):
        if row["signal"] == "exploitation":
            day = row["occurred_at"].date()
            first_police[row["person"]] = min(first_police.get(row["person"], day), day)
    exploited = world.exploitation.exploited.set_index("row")
    for person, day in sorted(first_police.items()):
        if person not in exploited.index:
            continue
        child = exploited.loc[person]
        line = lines[child["line_id"]]
        when = min(world.window.end, day + timedelta(days=int(rng.integers(0, 20))))
        adult = line.associates[0] if line.associates else line.controllers[0]
        records.add(
            "associations",
            person=person,
            other_person=adult,
            phone="",
            address=-1,
            vrm="",
            association_type="older_associate",
            observed_at=when,
            source_description="Stop check",
            signal="exploitation",
        )
        if rng.random() < 0.5:
            records.add(
                "associations",
                person=person,
                other_person=-1,
                phone=str(child["work_phone"]),
                address=-1,
                vrm="",
                association_type="uses_phone",
                observed_at=when,
                source_description="Phone seized",
                signal="exploitation",
            )
        if rng.random() < 0.3 and line.vehicle:
            records.add(
                "associations",
                person=person,
                other_person=-1,
                phone="",
                address=-1,
                vrm=line.vehicle,
                association_type="passenger_in",
                observed_at=when,
                source_description="Vehicle stop",
                signal="exploitation",
            )
    for row in [r for r in records.pending("incidents") if r["role"] == "present" and r["signal"] == "exploitation"]:
        subject = next(
            (
                r["person"]
                for r in records.pending("incidents")
                if r["incident"] == row["incident"] and r["role"] == "subject"
            ),
            None,
        )
        if subject is not None and subject != row["person"]:
            records.add(
                "associations",
                person=subject,
                other_person=row["person"],
                phone="",
                address=-1,
                vrm="",
                association_type="peer",
                observed_at=row["occurred_at"].date(),
                source_description="Present together at incident",
                signal="exploitation",
            )


def cuckooing_events(world: World, rng: np.random.Generator, children: ExploitedChildren) -> None:
    records = world.records
    end = world.window.end
    exploited = world.exploitation.exploited
    categories = [category for category, _ in CUCKOO_ASB]
    shares = np.array([share for _, share in CUCKOO_ASB])
    p = shares / shares.sum()
    for home in world.exploitation.cuckooed.itertuples():
        first = max(home.start, world.window.history_start)
        last = min(home.end or end, end)
        where = world.address(int(home.address))
        for day in _days(rng, first + timedelta(days=int(rng.integers(7, 25))), last, 2.5):
            category = str(categories[int(rng.choice(len(categories), p=p))])
            records.add(
                "asb",
                address=int(home.address),
                person=int(home.tenant_row) if rng.random() < 0.4 else -1,
                reported_at=one_time(rng, day, night=True),
                category=category,
                description=ASB_TEXT[category][int(rng.integers(len(ASB_TEXT[category])))],
                signal="cuckooing",
            )
        for day in _days(rng, first + timedelta(days=14), last, 0.7):
            when = one_time(rng, day, night=True)
            incident = records.keys("incidents")[0]
            base = dict(
                incident=incident,
                incident_type="incident",
                occurred_at=when,
                location=f"{where['line1']}, {where['town']}",
                town=where["town"],
                postcode=where["postcode"],
                latitude=where["latitude"],
                longitude=where["longitude"],
                offence=str(
                    rng.choice(
                        ["Concern for welfare of tenant", "Drugs supply concern at address", "Disturbance at address"]
                    )
                ),
                drugs_found=bool(rng.random() < 0.4),
                drug_type="",
                cash_found=False,
                cash_amount=None,
                weapon_found=False,
                phones_found=0,
                outcome="Safeguarding referral for tenant",
                line_id=home.line_id,
            )
            records.add("incidents", person=int(home.tenant_row), role="victim", signal="cuckooing", **base)
            active = exploited[
                (exploited["line_id"] == home.line_id)
                & (exploited["worked_town"] == home.town)
                & (exploited["start"] <= day)
                & ((exploited["end"].isna()) | (exploited["end"] >= day))
            ]
            for runner in active["row"].to_numpy()[:2]:
                factor = GIRLS_POLICE_CONTACT_FACTOR if world.people.at[int(runner), "sex"] == "female" else 1.0
                if rng.random() < 0.6 * factor:
                    records.add("incidents", person=int(runner), role="present", signal="exploitation", **base)
        for day in _days(rng, first + timedelta(days=10), last, 0.5):
            records.add(
                "intel",
                person=-1,
                recorded_at=one_time(rng, day),
                grading="B2 P",
                topic="Cuckooing",
                text=(
                    f"Address {where['line1']} believed taken over by the "
                    f"'{children.lines[home.line_id].brand}' line; vulnerable tenant."
                ),
                phone="",
                postcode=where["postcode"],
                vrm="",
                signal="cuckooing",
                line_id=home.line_id,
            )
        if home.closure_order and home.end is not None and home.end <= end:
            records.add(
                "incidents",
                incident=records.keys("incidents")[0],
                person=int(home.tenant_row),
                role="victim",
                incident_type="incident",
                occurred_at=one_time(rng, home.end),
                location=f"{where['line1']}, {where['town']}",
                town=where["town"],
                postcode=where["postcode"],
                latitude=where["latitude"],
                longitude=where["longitude"],
                offence="Closure order granted (Anti-social Behaviour, Crime and Policing Act 2014)",
                drugs_found=False,
                drug_type="",
                cash_found=False,
                cash_amount=None,
                weapon_found=False,
                phones_found=0,
                outcome="Property closed for three months; tenant safeguarded",
                signal="cuckooing",
                line_id=home.line_id,
            )
