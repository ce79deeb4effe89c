"""People as the places analyses see them: one profile per subject (linkage's real person, or a
lone person record before linkage has run) with a date of birth, a home town and the deal lines
their phones are linked to.

Agencies disagree (an old address, a mistyped date of birth), so each value is the one most of
the subject's records give; ties go to the value that sorts first, so results are stable.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from linewatch.places.gazetteer import Gazetteer
from linewatch.places.records import PersonKey, PlaceInputs

YOUNG_UP_TO_AGE = 25  # transitional safeguarding: young adults to 25 stay in scope
CHILD_UP_TO_AGE = 17

Value = TypeVar("Value", str, date)


@dataclass
class SubjectProfile:
    subject_id: str
    date_of_birth: date | None = None
    home_town: str | None = None
    records: list[PersonKey] = field(default_factory=list)
    lines: set[str] = field(default_factory=set)

    def age_on(self, when: datetime | date) -> int | None:
        if self.date_of_birth is None:
            return None
        day = when.date() if isinstance(when, datetime) else when
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class People:
    inputs: PlaceInputs
    profiles: dict[str, SubjectProfile]

    def subject(self, agency: str, source_id: str) -> str:
        return self.inputs.subject_of(agency, source_id)

    def profile(self, subject_id: str) -> SubjectProfile:
        return self.profiles.get(subject_id) or SubjectProfile(subject_id)

    def is_young(self, subject_id: str, when: datetime | date, unknown: bool = True) -> bool:
        """Aged 25 or under at `when`; `unknown` answers for a subject with no date of birth."""
        age = self.profile(subject_id).age_on(when)
        return unknown if age is None else 0 <= age <= YOUNG_UP_TO_AGE

    def is_child(self, subject_id: str, when: datetime | date) -> bool:
        age = self.profile(subject_id).age_on(when)
        return age is not None and 0 <= age <= CHILD_UP_TO_AGE


def build_people(inputs: PlaceInputs, gazetteer: Gazetteer, town_of_uprn: dict[str, str]) -> People:
    births: dict[str, Counter[date]] = defaultdict(Counter)
    towns: dict[str, Counter[str]] = defaultdict(Counter)
    records: dict[str, list[PersonKey]] = defaultdict(list)
    for person in inputs.persons:
        subject_id = inputs.subject_of(person.agency, person.source_id)
        records[subject_id].append((person.agency, person.source_id))
        if person.date_of_birth:
            births[subject_id][person.date_of_birth] += 1
        town = town_of_uprn.get(person.uprn or "") or gazetteer.town_of(person.postcode, person.address)
        if town:
            towns[subject_id][town] += 1
    lines: dict[str, set[str]] = defaultdict(set)
    for link in inputs.line_people:
        lines[inputs.subject_of(link.agency, link.source_id)].add(link.line_id)
    profiles = {
        subject_id: SubjectProfile(
            subject_id,
            _most_common(births.get(subject_id)),
            _most_common(towns.get(subject_id)),
            sorted(keys),
            lines.get(subject_id, set()),
        )
        for subject_id, keys in records.items()
    }
    return People(inputs, profiles)


def _most_common(votes: Counter[Value] | None) -> Value | None:
    if not votes:
        return None
    return min(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0]
