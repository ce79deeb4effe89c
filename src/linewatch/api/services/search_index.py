"""Subject search: an in-memory index of current person records that are linked to a subject,
rebuilt when feeds, linkage runs or erasures change the store. Names match fuzzily (exact words,
nicknames, NYSIIS sound-alikes, then Jaro-Winkler similarity), dates of birth allow a day/month
swap or a year out, and identifiers (NHS number, UPN, PNC ID, phone, postcode) match once
normalised. Only records the caller may see are matched, on properties they may see.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select

from linewatch.access.policy import Scope
from linewatch.identifiers import CHECKERS
from linewatch.linkage.nicknames import name_forms
from linewatch.linkage.phonetic import nysiis
from linewatch.linkage.text import clean_name
from linewatch.model import default_model
from linewatch.store.tables import metadata
from linewatch.store.tables_access import erasure_ledger
from linewatch.store.tables_linkage import linkage_run, subject_member

NAME_FIELDS = ("given_name", "middle_names", "surname", "full_name", "alias")
IDENTIFIER_FIELDS = ("nhs_number", "upn", "pnc_id", "phone", "postcode")
MIN_NAME_SCORE = 0.75


@dataclass(frozen=True, slots=True)
class IndexedPerson:
    subject_id: str
    agency: str
    source_id: str
    given_name: str | None
    surname: str | None
    full_name: str | None
    date_of_birth: date | None
    words: dict[str, frozenset[str]]  # name field -> cleaned words


@dataclass
class Hit:
    subject_id: str
    score: float
    matched_on: set[str] = field(default_factory=set)
    records: list[IndexedPerson] = field(default_factory=list)


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity of two words (1.0 identical, 0.0 nothing in common)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    reach = max(len(a), len(b)) // 2 - 1
    matched_a = [False] * len(a)
    matched_b = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        for j in range(max(0, i - reach), min(len(b), i + reach + 1)):
            if not matched_b[j] and b[j] == ch:
                matched_a[i] = matched_b[j] = True
                matches += 1
                break
    if not matches:
        return 0.0
    transpositions, j = 0, 0
    for i, ch in enumerate(a):
        if matched_a[i]:
            while not matched_b[j]:
                j += 1
            if ch != b[j]:
                transpositions += 1
            j += 1
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions / 2) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


class _View:
    """One caller's view of person records, per agency, worked out once per search."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.schema = default_model()["Person"]
        self.agencies: dict[str, tuple[bool, frozenset[str]]] = {}

    def of(self, agency: str) -> tuple[bool, frozenset[str]]:
        seen = self.agencies.get(agency)
        if seen is None:
            seen = (self.scope.sees_record(agency, self.schema), self.scope.hidden_properties(agency, self.schema))
            self.agencies[agency] = seen
        return seen


class SearchIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple[Any, ...] | None = None
        self.people: list[IndexedPerson] = []
        self.by_word: dict[str, set[int]] = {}  # cleaned name word -> records holding it
        self.words_by_sound: dict[str, set[str]] = {}  # NYSIIS code -> words
        self.words_by_form: dict[str, set[str]] = {}  # nickname form (William) -> words (Billy, Will ...)
        self.words_by_initial: dict[str, list[str]] = {}
        self.by_dob: dict[date, set[int]] = {}
        self.by_identifier: dict[tuple[str, str], set[int]] = {}
        self.by_subject: dict[str, list[int]] = {}

    @staticmethod
    def store_version(connection: Connection) -> tuple[Any, ...]:
        feed = metadata.tables["feed"]
        return tuple(
            connection.execute(
                select(
                    select(func.max(feed.c.id)).scalar_subquery(),
                    select(func.max(linkage_run.c.id)).scalar_subquery(),
                    select(func.count()).select_from(erasure_ledger).scalar_subquery(),
                )
            ).one()
        )

    def refresh(self, connection: Connection) -> None:
        """Rebuild if the store changed since the last build."""
        version = self.store_version(connection)
        if version == self._version:
            return
        with self._lock:
            if version != self._version:
                self._build(connection)
                self._version = version

    def _build(self, connection: Connection) -> None:
        person = metadata.tables["person"]
        columns = [person.c[name] for name in (*NAME_FIELDS, "date_of_birth", *IDENTIFIER_FIELDS)]
        query = (
            select(subject_member.c.subject_id, person.c.agency, person.c.source_id, *columns)
            .join(
                subject_member,
                (subject_member.c.agency == person.c.agency) & (subject_member.c.source_id == person.c.source_id),
            )
            .where(person.c.is_current.is_(True))
        )
        people: list[IndexedPerson] = []
        by_word: dict[str, set[int]] = defaultdict(set)
        by_dob: dict[date, set[int]] = defaultdict(set)
        by_identifier: dict[tuple[str, str], set[int]] = defaultdict(set)
        by_subject: dict[str, list[int]] = defaultdict(list)
        for row in connection.execute(query).mappings():
            index = len(people)
            words = {
                name: frozenset(clean_name(row[name]).split()) if row[name] else frozenset() for name in NAME_FIELDS
            }
            people.append(
                IndexedPerson(
                    row["subject_id"],
                    row["agency"],
                    row["source_id"],
                    row["given_name"],
                    row["surname"],
                    row["full_name"],
                    row["date_of_birth"],
                    words,
                )
            )
            for name_words in words.values():
                for word in name_words:
                    by_word[word].add(index)
            if row["date_of_birth"]:
                by_dob[row["date_of_birth"]].add(index)
            for name in IDENTIFIER_FIELDS:
                if row[name]:
                    by_identifier[(name, str(row[name]))].add(index)
            by_subject[row["subject_id"]].append(index)
        words_by_sound: dict[str, set[str]] = defaultdict(set)
        words_by_form: dict[str, set[str]] = defaultdict(set)
        words_by_initial: dict[str, list[str]] = defaultdict(list)
        for word in by_word:
            words_by_sound[nysiis(word)].add(word)
            for form in name_forms(word):
                words_by_form[form].add(word)
            words_by_initial[word[:1]].append(word)
        self.people, self.by_word, self.by_subject = people, dict(by_word), dict(by_subject)
        self.by_dob, self.by_identifier = dict(by_dob), dict(by_identifier)
        self.words_by_sound, self.words_by_form = dict(words_by_sound), dict(words_by_form)
        self.words_by_initial = dict(words_by_initial)

    # --- querying -----------------------------------------------------------------------------

    def _visible(self, view: _View, index: int, fields: tuple[str, ...]) -> bool:
        """May the caller see this person record, and the named properties of it?"""
        visible, hidden = view.of(self.people[index].agency)
        return visible and not any(name in hidden for name in fields)

    def word_matches(self, query_word: str) -> dict[str, float]:
        """Every indexed word that may stand for the typed one, with how well: 1.0 the same word,
        0.95 a nickname of one another, 0.9 the same NYSIIS sound, else Jaro-Winkler (x 0.95)
        for words of the same initial at least 0.88 alike."""
        scores: dict[str, float] = {}

        def offer(word: str, score: float) -> None:
            if score > scores.get(word, 0.0):
                scores[word] = score

        for word in self.words_by_initial.get(query_word[:1], ()):
            if abs(len(word) - len(query_word)) <= 2:
                similarity = jaro_winkler(query_word, word)
                if similarity >= 0.88:
                    offer(word, similarity * 0.95)
        for word in self.words_by_sound.get(nysiis(query_word), ()):
            offer(word, 0.9)
        for form in name_forms(query_word):
            for word in self.words_by_form.get(form, ()):
                offer(word, 0.95)
        if query_word in self.by_word:
            offer(query_word, 1.0)
        return scores

    def search(
        self, scope: Scope, *, name: str | None, date_of_birth: date | None, identifier: str | None
    ) -> list[Hit]:
        view = _View(scope)
        candidates: set[int] | None = None
        name_words = clean_name(name).split() if name else []
        if identifier:
            found: set[int] = set()
            for field_name, checked in _identifier_forms(identifier):
                found |= {
                    i
                    for i in self.by_identifier.get((field_name, checked), set())
                    if self._visible(view, i, (field_name,))
                }
            candidates = found
        matches = [self.word_matches(word) for word in name_words]
        if name_words:
            found = set()
            for scores in matches:
                for word in scores:
                    found |= self.by_word[word]
            candidates = found if candidates is None else candidates & found
        if date_of_birth:
            found = set()
            for day, _ in _dob_forms(date_of_birth):
                found |= self.by_dob.get(day, set())
            candidates = found if candidates is None else candidates & found
        if candidates is None:
            return []
        dob_weights = dict(_dob_forms(date_of_birth)) if date_of_birth else {}
        hits: dict[str, Hit] = {}
        for index in candidates:
            record = self.people[index]
            if not self._visible(view, index, ()):
                continue
            score, matched = 1.0, set()
            if identifier:
                matched.add("identifier")  # candidates are already those holding the identifier
            if name_words:
                if not self._visible(view, index, NAME_FIELDS[:3]):
                    continue
                record_words = frozenset().union(*record.words.values())
                total = 0.0
                for scores in matches:
                    total += max((scores.get(word, 0.0) for word in record_words), default=0.0)
                name_score = total / len(name_words)
                if name_score < MIN_NAME_SCORE:
                    continue
                score *= name_score
                matched.add("name")
            if date_of_birth:
                weight = dob_weights.get(record.date_of_birth) if record.date_of_birth else None
                if weight is None or not self._visible(view, index, ("date_of_birth",)):
                    continue
                score *= weight
                matched.add("date_of_birth")
            hit = hits.setdefault(record.subject_id, Hit(record.subject_id, 0.0))
            hit.score = max(hit.score, score)
            hit.matched_on |= matched
        for hit in hits.values():
            hit.records = [self.people[i] for i in self.by_subject[hit.subject_id] if self._visible(view, i, ())]
        return sorted(hits.values(), key=lambda hit: (-hit.score, hit.subject_id))


def _identifier_forms(text: str) -> list[tuple[str, str]]:
    """The identifier fields a typed value could be, normalised as the store holds them."""
    forms: list[tuple[str, str]] = []
    for field_name in IDENTIFIER_FIELDS:
        checked = CHECKERS[field_name](text)
        if checked.valid:
            forms.append((field_name, checked.value))
    return forms


def _dob_forms(day: date) -> list[tuple[date, float]]:
    """The date itself, then the common recording slips: day and month swapped, a year out."""
    forms = [(day, 1.0)]
    if day.day <= 12 and day.day != day.month:
        forms.append((date(day.year, day.day, day.month), 0.9))
    for years in (-1, 1):
        with contextlib.suppress(ValueError):
            forms.append((day.replace(year=day.year + years), 0.85))
    return forms
