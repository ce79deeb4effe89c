"""The ground truth, written apart in DIR/truth/ as CSV: who every source person record really
is, the exploited children, the lines and their numbers, cuckooed addresses, routes, the
innocent look-alikes, every signal record, and every piece of noise applied. The pipeline never
reads these files; only `linewatch evaluate` does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.feeds.mapping import find_mapping, load_mapping
from linewatch.synth.feed_common import FeedResult
from linewatch.synth.world import World


def _csv(frame: pd.DataFrame, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", date_format="%Y-%m-%d %H:%M:%S")
    return len(frame)


def _dates(values: object) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).dt.strftime("%Y-%m-%d").fillna("")


def write_truth(
    world: World,
    tables: dict[str, pd.DataFrame],
    feeds: list[FeedResult],
    noise_log: list[dict[str, object]],
    root: Path,
) -> dict[str, int]:
    people = world.people
    person_id = people["person_id"].to_numpy()
    counts: dict[str, int] = {}
    town = np.array([t.town for t in world.geo.towns], dtype=object)
    uprn = world.geo.addresses["uprn"].to_numpy()

    truth_people = pd.DataFrame(
        {
            "person_id": person_id,
            "kind": people["kind"],
            "in_scope": people["in_scope"],
            "given_name": people["given_name"],
            "middle_names": people["middle_names"],
            "surname": people["surname"],
            "date_of_birth": _dates(people["dob"]),
            "sex": people["sex"],
            "ethnicity": people["ethnicity"],
            "town": town[people["town"].to_numpy()],
            "uprn": uprn[people["address"].to_numpy()],
            "nhs_number": people["nhs_number"],
            "upn": people["upn"],
            "phone": people["phone"],
            "vulnerability": people["vulnerability"],
            "looked_after": people["looked_after"],
            "placement_type": people["placement_type"],
            "care_leaver": people["care_leaver"],
            "child_in_need": people["child_in_need"],
            "child_protection_plan": people["child_protection_plan"],
            "send": people["send"],
            "setting": people["setting"],
            "suspended": people["suspended"],
            "permanently_excluded": people["permanently_excluded"],
            "exploited": people.index.isin(list(world.exploited_rows)),
        }
    )
    counts["people"] = _csv(truth_people, root / "people.csv")

    records = pd.concat(
        [f.persons.assign(agency=f.agency, mapping=f.mapping, file=f.file) for f in feeds if len(f.persons)],
        ignore_index=True,
    )
    records["person_id"] = person_id[records["person"].astype(np.int64).to_numpy()]
    records = records[["agency", "mapping", "file", "source_person_id", "person_id"]].sort_values(
        ["mapping", "source_person_id"], kind="stable"
    )
    counts["person_records"] = _csv(records, root / "person_records.csv")

    signals = pd.concat(
        [f.signals.assign(agency=f.agency, mapping=f.mapping, file=f.file) for f in feeds if len(f.signals)],
        ignore_index=True,
    )
    persons = signals["person"].fillna(-1).astype(np.int64).to_numpy()
    signals["person_id"] = np.where(persons >= 0, person_id[np.maximum(persons, 0)], "")
    signals["at"] = pd.to_datetime(signals["at"]).dt.strftime("%Y-%m-%d %H:%M").fillna("")
    signals = signals[["agency", "mapping", "file", "record_id", "person_id", "signal", "at"]]
    counts["signals"] = _csv(signals, root / "signals.csv")

    exploited = world.exploitation.exploited.copy()
    towns_of = town
    mine = signals[signals["signal"] == "exploitation"]
    police_events = mine[(mine["mapping"] == "police_incidents")]
    first_police = police_events.groupby("person_id")["at"].min()
    first_other = mine[mine["agency"] != "police"].groupby("person_id")["at"].min()
    agencies = mine.groupby("person_id")["agency"].agg(lambda a: ";".join(sorted(set(a))))
    frame = pd.DataFrame(
        {
            "person_id": exploited["person_id"],
            "line_id": exploited["line_id"],
            "role": exploited["role"],
            "sex": people["sex"].to_numpy()[exploited["row"].to_numpy()] if len(exploited) else [],
            "ethnicity": people["ethnicity"].to_numpy()[exploited["row"].to_numpy()] if len(exploited) else [],
            "start": _dates(exploited["start"]).to_numpy(),
            "end": _dates(exploited["end"]).to_numpy(),
            "home_town": towns_of[exploited["home_town"].to_numpy()] if len(exploited) else [],
            "worked_town": towns_of[exploited["worked_town"].to_numpy()] if len(exploited) else [],
            "recruited_in": exploited["recruited_in"],
            "work_phone": exploited["work_phone"],
            "work_imei": exploited["work_imei"],
        }
    )
    frame["first_non_police_signal_at"] = frame["person_id"].map(first_other).fillna("")
    frame["first_police_event_at"] = frame["person_id"].map(first_police).fillna("")
    frame["agencies_with_signals"] = frame["person_id"].map(agencies).fillna("")
    counts["exploited"] = _csv(frame, root / "exploited_children.csv")

    line_rows, number_rows, line_people, routes = [], [], [], []
    for line in world.exploitation.lines:
        line_rows.append(
            {
                "line_id": line.line_id,
                "brand": line.brand,
                "origin_town": town[0],
                "market_towns": ";".join(town[t] for t in line.market_towns),
                "established": line.established,
                "closed_on": line.closed_on or "",
                "vehicle": line.vehicle,
                "customers": len(line.customers),
                "number_changes": len(line.numbers) - 1,
            }
        )
        for k, period in enumerate(line.numbers):
            number_rows.append(
                {
                    "line_id": line.line_id,
                    "number": period.number,
                    "imei": period.imei,
                    "start": period.start,
                    "end": period.end or "",
                    "change": "initial"
                    if k == 0
                    else (
                        "number_change_same_handset"
                        if period.imei == line.numbers[k - 1].imei
                        else "number_and_handset_change"
                    ),
                }
            )
        for role, members in (
            ("controller", line.controllers),
            ("associate", line.associates),
            ("local_associate", [line.local_associate] if line.local_associate >= 0 else []),
            ("customer", line.customers),
        ):
            for member in members:
                line_people.append({"line_id": line.line_id, "person_id": person_id[member], "role": role})
        runners = exploited[exploited["line_id"] == line.line_id]
        for destination in line.market_towns:
            travelling = runners[(runners["worked_town"] == destination) & (runners["recruited_in"] == "hub")]
            routes.append(
                {
                    "line_id": line.line_id,
                    "origin_town": town[0],
                    "destination_town": town[destination],
                    "origin_station": world.geo.towns[0].station_crs,
                    "destination_station": world.geo.towns[destination].station_crs,
                    "runners_travelling": len(travelling),
                    "vehicle": line.vehicle,
                }
            )
    counts["lines"] = _csv(pd.DataFrame(line_rows), root / "lines.csv")
    counts["line_numbers"] = _csv(pd.DataFrame(number_rows), root / "line_numbers.csv")
    counts["line_people"] = _csv(pd.DataFrame(line_people), root / "line_people.csv")
    counts["routes"] = _csv(pd.DataFrame(routes), root / "routes.csv")

    cuckooed = world.exploitation.cuckooed
    addresses = world.geo.addresses
    counts["cuckooed"] = _csv(
        pd.DataFrame(
            {
                "uprn": addresses["uprn"].to_numpy()[cuckooed["address"].to_numpy()] if len(cuckooed) else [],
                "address": addresses["line1"].to_numpy()[cuckooed["address"].to_numpy()] if len(cuckooed) else [],
                "postcode": addresses["postcode"].to_numpy()[cuckooed["address"].to_numpy()] if len(cuckooed) else [],
                "town": town[cuckooed["town"].to_numpy()] if len(cuckooed) else [],
                "tenant_person_id": cuckooed["tenant_person_id"],
                "line_id": cuckooed["line_id"],
                "start": _dates(cuckooed["start"]).to_numpy(),
                "end": _dates(cuckooed["end"]).to_numpy(),
                "closure_order": cuckooed["closure_order"],
            }
        ),
        root / "cuckooed_addresses.csv",
    )

    lookalikes = signals[signals["signal"] == "lookalike"].copy()
    kind = lookalikes["mapping"].map(LOOKALIKE_KIND).fillna("other")
    lookalikes = lookalikes.assign(kind=kind)
    people_lookalikes = (
        lookalikes[lookalikes["person_id"] != ""].groupby(["person_id", "kind"]).size().reset_index(name="records")
    )
    counts["lookalikes"] = _csv(people_lookalikes, root / "lookalikes.csv")
    asb = tables["asb"]
    noisy = asb[asb["signal"] == "lookalike"]
    by_address = noisy.groupby("address")["category"].agg(lambda c: ";".join(sorted(set(c)))).reset_index()
    counts["lookalike_addresses"] = _csv(
        pd.DataFrame(
            {
                "uprn": uprn[by_address["address"].astype(np.int64).to_numpy()],
                "categories": by_address["category"],
                "reports": noisy.groupby("address").size().to_numpy(),
            }
        ),
        root / "lookalike_addresses.csv",
    )

    log = pd.DataFrame(
        noise_log,
        columns=["system", "agency", "source_person_id", "person", "noise", "field", "true_value", "recorded_value"],
    )
    log["person_id"] = person_id[log["person"].astype(np.int64).to_numpy()] if len(log) else []
    log = log.drop(columns=["person"])
    counts["noise"] = _csv(log, root / "noise.csv")
    corrupted = log[log["noise"].isin(["invalid_identifier", "missing_identifier"])]
    # Only corruptions a feed actually carries: a person whose feeds never hold an NHS number
    # (return home interviews, say) has no corrupted NHS number anyone could find.
    carried = _carried_identifiers(records)
    keep = [
        key in carried
        for key in zip(corrupted["agency"], corrupted["source_person_id"], corrupted["field"], strict=True)
    ]
    corrupted = corrupted[keep]
    counts["corrupted_identifiers"] = _csv(corrupted, root / "corrupted_identifiers.csv")
    return counts


LOOKALIKE_KIND = {
    "police_missing": "missing_family_conflict",
    "social_care_rhi": "missing_family_conflict",
    "health_ae": "injury_or_self_harm",
    "police_incidents": "police_contact_not_exploitation",
    "education_exclusions": "excluded_not_exploited",
    "education_concerns": "concern_not_exploitation",
    "voluntary_concerns": "concern_not_exploitation",
}


def _carried_identifiers(records: pd.DataFrame) -> set[tuple[str, str, str]]:
    """(agency, local person id, property) for every Person property some feed of that person maps."""
    fields_of: dict[str, set[str]] = {}
    for name in records["mapping"].unique():
        definition = load_mapping(find_mapping(str(name))).definition
        fields_of[str(name)] = {
            prop for entity in definition.entities.values() if entity.schema_ == "Person" for prop in entity.properties
        }
    return {
        (agency, person, field)
        for agency, name, person in zip(records["agency"], records["mapping"], records["source_person_id"], strict=True)
        for field in fields_of[name]
    }
