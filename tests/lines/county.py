"""A small synthetic county for the lines tests, made with the synth comms generator.

Two lines from Coventry over four weeks from Monday 6 January 2025: "Bando" into Leamington Spa
changes number on 20 January (new SIM in the same handset); "Jay" into Stratford-upon-Avon
keeps one number. About 300 people have phones and there are about 60,000 records.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from stdnum import luhn

from linewatch.synth.comms_spec import CellSite, CommsSpec, LineNumberPeriod, LineSpec, PersonPhone, RunnerSpec, Town

START = date(2025, 1, 6)
HUB, LEAMINGTON, STRATFORD = "Coventry", "Leamington Spa", "Stratford-upon-Avon"
TOWNS = (
    Town(HUB, 52.4081, -1.5106, is_hub=True),
    Town(LEAMINGTON, 52.2921, -1.5359, is_hub=False),
    Town(STRATFORD, 52.1917, -1.7083, is_hub=False),
)


def phone(n: int) -> str:
    return f"+447400{n:06d}"


def imei(n: int) -> str:
    body = f"35209900{n:06d}"
    return body + luhn.calc_check_digit(body)


def _town(n: int) -> str:
    return HUB if n < 150 else LEAMINGTON if n < 230 else STRATFORD


BANDO_NUMBERS = (phone(900001), phone(900002))
JAY_NUMBER = phone(900101)
CONTROLLERS = (phone(900010), phone(900110))
RUNNERS = (phone(900020), phone(900120))


def spec(records: int = 60_000, seed: int = 3) -> CommsSpec:
    cells = tuple(
        CellSite(f"{town.name[:3].upper()}-{i:03d}", town.name, town.latitude + 0.01 * (i % 3 - 1), town.longitude)
        for town in TOWNS
        for i in range(4)
    )
    people = tuple(PersonPhone(f"P{n:03d}", phone(n), imei(n), _town(n)) for n in range(300))
    bando = LineSpec(
        line_id="L1",
        brand="Bando",
        origin_town=HUB,
        market_towns=(LEAMINGTON,),
        numbers=(
            LineNumberPeriod(BANDO_NUMBERS[0], imei(900001), date(2024, 12, 1), date(2025, 1, 19)),
            LineNumberPeriod(BANDO_NUMBERS[1], imei(900001), date(2025, 1, 20), None),
        ),
        closed_on=None,
        controller_person_ids=("C1",),
        controller_phones=(CONTROLLERS[0],),
        runners=(RunnerSpec("R1", RUNNERS[0], imei(900020), LEAMINGTON, START, None),),
        customer_phones=tuple(phone(n) for n in range(150, 200)),
        customer_towns=(LEAMINGTON,) * 50,
    )
    jay = LineSpec(
        line_id="L2",
        brand="Jay",
        origin_town=HUB,
        market_towns=(STRATFORD,),
        numbers=(LineNumberPeriod(JAY_NUMBER, imei(900101), date(2024, 11, 1), None),),
        closed_on=None,
        controller_person_ids=("C2",),
        controller_phones=(CONTROLLERS[1],),
        runners=(RunnerSpec("R2", RUNNERS[1], imei(900120), STRATFORD, START, None),),
        customer_phones=tuple(phone(n) for n in range(230, 270)),
        customer_towns=(STRATFORD,) * 40,
    )
    return CommsSpec(START, 28, TOWNS, cells, (bando, jay), people, records, seed)


def generate(out: Path) -> Path:
    from linewatch.synth.comms import generate_comms

    generate_comms(spec(), out)
    return out
