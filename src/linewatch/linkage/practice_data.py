"""Practice person records with a known answer: people in households, each held by several
agencies with the errors agencies make, in the standard linkage table. Used by the tests, the
benchmark and anyone trying `linewatch link` without a synthetic county.

It is much smaller than the synthetic county generator (no events, no exploitation) but uses the
same reference names, and the same kinds of noise: typos, nicknames, forename and middle name
swapped, changed and double-barrelled surnames, day and month swapped, old addresses, missing and
invalid identifiers. Twins share a household and a date of birth, so only their names tell them
apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache

import pyarrow as pa

from linewatch.identifiers import make_nhs_number, make_pnc_id, make_upn
from linewatch.linkage.columns import STANDARD_COLUMNS, conform


@dataclass(frozen=True, slots=True)
class Noise:
    """Rates, per source record, of each kind of error an agency makes."""

    typo: float = 0.04
    nickname: float = 0.08
    swapped_given_middle: float = 0.02
    surname_changed: float = 0.02
    day_month_swapped: float = 0.02
    dob_typo: float = 0.02
    dob_missing: float = 0.01
    old_address: float = 0.10
    identifier_missing: float = 0.15
    identifier_invalid: float = 0.01
    sex_missing: float = 0.03


NOISE_LEVELS: dict[str, Noise] = {
    "low": Noise(0.01, 0.03, 0.01, 0.01, 0.005, 0.005, 0.0, 0.05, 0.05, 0.0, 0.01),
    "default": Noise(),
    "high": Noise(0.10, 0.15, 0.05, 0.05, 0.05, 0.05, 0.03, 0.25, 0.35, 0.03, 0.10),
}


@dataclass(frozen=True, slots=True)
class AgencyHolding:
    """Which share of people an agency holds, and the identifiers it records."""

    agency: str
    coverage: float
    identifiers: tuple[str, ...]
    holds_phone: float = 0.0
    holds_uprn: bool = False
    duplicate: float = 0.0  # share of its people it holds twice (two case files)


DEFAULT_AGENCIES: tuple[AgencyHolding, ...] = (
    AgencyHolding("education", 0.95, ("upn",)),
    AgencyHolding("health", 0.90, ("nhs_number",), holds_phone=0.3),
    AgencyHolding("social_care", 0.35, ("nhs_number",), holds_phone=0.5, duplicate=0.03),
    AgencyHolding("police", 0.30, ("pnc_id",), holds_phone=0.4, duplicate=0.05),
    AgencyHolding("housing", 0.40, (), holds_phone=0.6, holds_uprn=True),
)

EVERY_AGENCY: tuple[AgencyHolding, ...] = tuple(replace(holding, coverage=1.0) for holding in DEFAULT_AGENCIES)


@dataclass(slots=True)
class _Person:
    person_id: str
    given: str
    middle: str
    surname: str
    dob: date
    sex: str
    postcode: str
    old_postcode: str
    uprn: str
    old_uprn: str
    phone: str
    nhs_number: str
    upn: str
    pnc_id: str


@dataclass
class PracticeData:
    records: pa.Table  # the standard linkage table
    person_of: dict[str, str] = field(default_factory=dict)  # record_id -> true person id


def practice_people(
    persons: int,
    *,
    seed: int = 1,
    noise: str | Noise = "default",
    agencies: tuple[AgencyHolding, ...] = DEFAULT_AGENCIES,
    id_prefix: str = "",
) -> PracticeData:
    """Records of ``persons`` people as the agencies hold them, with the true person of each."""
    rates = NOISE_LEVELS[noise] if isinstance(noise, str) else noise
    rng = random.Random(seed)
    people = _people(rng, persons, id_prefix)
    columns: dict[str, list[object]] = {name: [] for name in STANDARD_COLUMNS}
    person_of: dict[str, str] = {}
    for holding in agencies:
        serial = 0
        for person in people:
            if rng.random() >= holding.coverage:
                continue
            copies = 2 if rng.random() < holding.duplicate else 1
            for _ in range(copies):
                serial += 1
                source_id = f"{id_prefix}{holding.agency[:3].upper()}{serial:07d}"
                record_id = f"{holding.agency}:{source_id}"
                row = _record(rng, person, holding, rates)
                row.update(record_id=record_id, agency=holding.agency, source_id=source_id)
                for name in STANDARD_COLUMNS:
                    columns[name].append(row.get(name))
                person_of[record_id] = person.person_id
    table = pa.table({name: columns[name] for name in STANDARD_COLUMNS})
    return PracticeData(conform(table, origin="practice data"), person_of)


@cache
def _names() -> tuple[dict[str, list[str]], list[str], dict[str, tuple[str, ...]]]:
    from linewatch.synth import reference

    given: dict[str, list[str]] = {"female": [], "male": []}
    for (_group, sex, era), names in reference.forenames().items():
        if era == "young":
            given[sex].extend(names)
    surnames = [name for names in reference.surnames().values() for name in names]
    return given, surnames, reference.nicknames()


def _people(rng: random.Random, persons: int, id_prefix: str) -> list[_Person]:
    given_names, surnames, _ = _names()
    # Zipf-like weights: the first names of each list are the common ones.
    surname_weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(surnames))]
    given_weights = {sex: [1.0 / (rank + 1) ** 0.8 for rank in range(len(names))] for sex, names in given_names.items()}
    people: list[_Person] = []
    household = 0
    while len(people) < persons:
        household += 1
        surname = rng.choices(surnames, surname_weights)[0]
        postcode, old_postcode = _postcode(rng), _postcode(rng)
        uprn, old_uprn = str(10_000_000 + household * 7), str(90_000_000 + household * 7)
        phone = f"+447{rng.randint(400, 999)}{rng.randint(0, 999_999):06d}"
        size = min(rng.choice((1, 1, 1, 2, 2, 3)), persons - len(people))
        twins = size >= 2 and rng.random() < 0.05
        first_dob = date(2000, 1, 1) + timedelta(days=rng.randrange(18 * 365))
        names_taken: set[str] = set()
        for child in range(size):
            number = len(people)
            sex = rng.choice(("female", "male"))
            given = rng.choices(given_names[sex], given_weights[sex])[0]
            while given in names_taken:  # parents rarely give two children one name
                given = rng.choices(given_names[sex], given_weights[sex])[0]
            names_taken.add(given)
            middle = rng.choices(given_names[sex], given_weights[sex])[0] if rng.random() < 0.6 else ""
            if middle == given:
                middle = ""
            dob = first_dob if (twins and child == 1) else date(2000, 1, 1) + timedelta(days=rng.randrange(18 * 365))
            people.append(
                _Person(
                    person_id=f"{id_prefix}P{number:07d}",
                    given=given,
                    middle=middle,
                    surname=surname,
                    dob=dob,
                    sex=sex,
                    postcode=postcode,
                    old_postcode=old_postcode,
                    uprn=uprn,
                    old_uprn=old_uprn,
                    phone=phone,
                    nhs_number=_nhs_number(number),
                    upn=make_upn(
                        f"{330 + number % 600:03d}{number // 600 % 10000:04d}{dob.year % 100:02d}{number % 997:03d}"
                    ),
                    pnc_id=make_pnc_id(dob.year % 100, number % 10_000_000),
                )
            )
    return people


def _nhs_number(number: int) -> str:
    """A valid NHS number in the reserved test range, distinct for each person number."""
    candidate = 900_000_000 + number * 11
    while (made := make_nhs_number(candidate % 1_000_000_000)) is None:
        candidate += 1
    return made


_OUTWARD = ("CV1", "CV2", "CV3", "CV4", "CV5", "CV6", "CV31", "CV32", "CV34", "CV37")


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{rng.choice(_OUTWARD)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _record(rng: random.Random, person: _Person, holding: AgencyHolding, rates: Noise) -> dict[str, object]:
    _, surnames, nicknames = _names()
    given, middle, surname = person.given, person.middle, person.surname
    if rng.random() < rates.nickname and given in nicknames:
        given = rng.choice(nicknames[given])
    if rng.random() < rates.swapped_given_middle and middle:
        given, middle = middle, given
    if rng.random() < rates.surname_changed:
        other = rng.choice(surnames)
        surname = rng.choice((other, f"{surname}-{other}", f"{other}-{surname}"))
    if rng.random() < rates.typo:
        given = _typo(rng, given)
    if rng.random() < rates.typo:
        surname = _typo(rng, surname)
    if holding.agency == "police":
        surname = surname.upper()
    dob: date | None = person.dob
    if rng.random() < rates.day_month_swapped and person.dob.day <= 12 and person.dob.day != person.dob.month:
        dob = date(person.dob.year, person.dob.day, person.dob.month)
    elif rng.random() < rates.dob_typo:
        dob = person.dob + timedelta(days=rng.choice((-10, -1, 1, 10, 365, -365)))
    if rng.random() < rates.dob_missing:
        dob = None
    moved = rng.random() < rates.old_address
    row: dict[str, object] = {
        "given_name": given,
        "middle_names": middle or None,
        "surname": surname,
        "dob": dob.isoformat() if dob else None,
        "sex": None if rng.random() < rates.sex_missing else person.sex,
        "postcode": person.old_postcode if moved else person.postcode,
        "postcode_valid": True,
        # An agency that knew the earlier address keeps it in the record's history.
        "postcode_history": [person.old_postcode] if not moved and rng.random() < 0.2 else None,
    }
    if holding.holds_uprn:
        row.update(uprn=person.old_uprn if moved else person.uprn, uprn_valid=True)
    if rng.random() < holding.holds_phone:
        row.update(phone=person.phone, phone_valid=True)
    for identifier in holding.identifiers:
        if rng.random() < rates.identifier_missing:
            continue
        value = getattr(person, identifier)
        if rng.random() < rates.identifier_invalid:
            row.update({identifier: _typo(rng, value, alphabet="0123456789"), f"{identifier}_valid": False})
        else:
            row.update({identifier: value, f"{identifier}_valid": True})
    return row


def _typo(rng: random.Random, text: str, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> str:
    if len(text) < 3:
        return text
    position = rng.randrange(1, len(text) - 1)
    kind = rng.choice(("substitute", "delete", "insert", "transpose"))
    if kind == "substitute":
        return text[:position] + rng.choice(alphabet) + text[position + 1 :]
    if kind == "delete":
        return text[:position] + text[position + 1 :]
    if kind == "insert":
        return text[:position] + rng.choice(alphabet) + text[position:]
    return text[: position - 1] + text[position] + text[position - 1] + text[position + 1 :]
