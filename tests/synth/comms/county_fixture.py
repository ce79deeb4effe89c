"""A small hand-built county for the communications generator's tests.

Two lines run from Coventry over four weeks from Monday 6 January 2025:
- "Bando" into Leamington Spa changes number twice: on 13 January to a new handset, and on
  20 January to a new SIM in the same handset. It has a work-phone runner with a cuckooed
  address and a runner who uses their own phone.
- "Jay" into Stratford-upon-Avon closes for good on 20 January.
About 200 people have phones; the target is 50,000 records.
"""

from __future__ import annotations

from datetime import date

from stdnum import luhn

from linewatch.synth.comms_spec import (
    CellSite,
    CommsSpec,
    LineNumberPeriod,
    LineSpec,
    PersonPhone,
    RunnerSpec,
    Town,
)

START = date(2025, 1, 6)
DAYS = 28
HUB, LEAMINGTON, STRATFORD = "Coventry", "Leamington Spa", "Stratford-upon-Avon"

TOWNS = (
    Town(HUB, 52.4081, -1.5106, is_hub=True),
    Town(LEAMINGTON, 52.2921, -1.5359, is_hub=False),
    Town(STRATFORD, 52.1917, -1.7083, is_hub=False),
)
CELLS_PER_TOWN = {HUB: 6, LEAMINGTON: 4, STRATFORD: 4}


def phone(n: int) -> str:
    """A valid UK mobile in the 07400 range."""
    return f"+447400{n:06d}"


def imei(n: int) -> str:
    body = f"35209900{n:06d}"
    return body + luhn.calc_check_digit(body)


def cell_sites() -> tuple[CellSite, ...]:
    sites = []
    for town in TOWNS:
        for i in range(CELLS_PER_TOWN[town.name]):
            sites.append(
                CellSite(
                    f"{town.name[:3].upper()}-{i:03d}",
                    town.name,
                    town.latitude + 0.01 * (i % 3 - 1),
                    town.longitude + 0.01 * (i // 3 - 1),
                )
            )
    return tuple(sites)


# People 0-99 live in Coventry, 100-159 in Leamington, 160-199 in Stratford.
def person_town(n: int) -> str:
    return HUB if n < 100 else LEAMINGTON if n < 160 else STRATFORD


PEOPLE = tuple(PersonPhone(f"P{n:03d}", phone(n), imei(n), person_town(n)) for n in range(200))

BANDO_NUMBERS = (
    LineNumberPeriod(phone(900001), imei(900001), date(2024, 12, 1), date(2025, 1, 12)),
    LineNumberPeriod(phone(900002), imei(900002), date(2025, 1, 13), date(2025, 1, 19)),
    LineNumberPeriod(phone(900003), imei(900002), date(2025, 1, 20), None),
)
BANDO_WORK_RUNNER = RunnerSpec(
    "P-R1", phone(900020), imei(900020), LEAMINGTON, date(2025, 1, 8), date(2025, 1, 25),
    cuckooed_latitude=52.2921, cuckooed_longitude=-1.5359,
)  # fmt: skip
# Person 5 (Coventry) uses their own phone while running for Bando.
BANDO_OWN_PHONE_RUNNER = RunnerSpec("P005", phone(5), imei(900021), LEAMINGTON, date(2025, 1, 15), None)
BANDO_CUSTOMERS = tuple(phone(n) for n in range(100, 130)) + tuple(phone(800000 + n) for n in range(10))
BANDO = LineSpec(
    line_id="L1",
    brand="Bando",
    origin_town=HUB,
    market_towns=(LEAMINGTON,),
    numbers=BANDO_NUMBERS,
    closed_on=None,
    controller_person_ids=("P-C1",),
    controller_phones=(phone(900010),),
    runners=(BANDO_WORK_RUNNER, BANDO_OWN_PHONE_RUNNER),
    customer_phones=BANDO_CUSTOMERS,
    customer_towns=(LEAMINGTON,) * len(BANDO_CUSTOMERS),
)

JAY_CLOSED_ON = date(2025, 1, 20)
JAY_CUSTOMERS = tuple(phone(n) for n in range(160, 185)) + tuple(phone(810000 + n) for n in range(5))
JAY = LineSpec(
    line_id="L2",
    brand="Jay",
    origin_town=HUB,
    market_towns=(STRATFORD,),
    numbers=(LineNumberPeriod(phone(900101), imei(900101), date(2024, 11, 1), None),),
    closed_on=JAY_CLOSED_ON,
    controller_person_ids=("P-C2", "P-C3"),
    controller_phones=(phone(900110), phone(900111)),
    runners=(RunnerSpec("P-R3", phone(900120), imei(900120), STRATFORD, START, None),),
    customer_phones=JAY_CUSTOMERS,
    customer_towns=(STRATFORD,) * len(JAY_CUSTOMERS),
)


def small_county(seed: int = 7, target_records: int = 50_000) -> CommsSpec:
    return CommsSpec(
        start=START,
        days=DAYS,
        towns=TOWNS,
        cell_sites=cell_sites(),
        lines=(BANDO, JAY),
        person_phones=PEOPLE,
        target_records=target_records,
        seed=seed,
    )
