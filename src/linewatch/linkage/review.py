"""The review queue: pairs of person records linkage was unsure about, shown side by side with the
reasons for their score, for a person to accept (the same child: always link them) or reject (two
different people: never put them in one subject). Decisions are kept and honoured by every later
run; they take effect at the next ``linewatch link``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, and_, select, update

from linewatch.linkage.errors import LinkageError
from linewatch.linkage.store_subjects import require_linkage_tables
from linewatch.store.tables import metadata
from linewatch.store.tables_linkage import linkage_review, subject_member

Status = Literal["pending", "accepted", "rejected", "superseded"]
SHOWN = ("given_name", "middle_names", "surname", "date_of_birth", "sex", "postcode", "nhs_number", "upn", "pnc_id")


@dataclass(frozen=True, slots=True)
class ReviewItem:
    id: int
    status: str
    match_probability: float
    reasons: str
    left: dict[str, Any]  # agency, source_id, subject_id and the shown person fields
    right: dict[str, Any]
    decided_by: str | None
    note: str | None


def list_reviews(db: Engine, status: Status | None = "pending", limit: int = 50) -> list[ReviewItem]:
    """Review items, most likely matches first."""
    require_linkage_tables(db)
    query = select(linkage_review).order_by(linkage_review.c.match_probability.desc(), linkage_review.c.id).limit(limit)
    if status is not None:
        query = query.where(linkage_review.c.status == status)
    with db.connect() as connection:
        return [_item(connection, row) for row in connection.execute(query).mappings().all()]


def get_review(db: Engine, review_id: int) -> ReviewItem:
    require_linkage_tables(db)
    with db.connect() as connection:
        row = connection.execute(select(linkage_review).where(linkage_review.c.id == review_id)).mappings().first()
        if row is None:
            raise LinkageError(f"no review item {review_id}: see `linewatch review list --all`")
        return _item(connection, row)


def _item(connection: Connection, row: Any) -> ReviewItem:
    person = metadata.tables["person"]
    sides = []
    for side in ("l", "r"):
        agency, source_id = row[f"agency_{side}"], row[f"source_id_{side}"]
        fields = connection.execute(
            select(*[person.c[name] for name in SHOWN])
            .where(person.c.agency == agency, person.c.source_id == source_id, person.c.is_current.is_(True))
        ).mappings().first()  # fmt: skip
        subject_id = connection.execute(
            select(subject_member.c.subject_id).where(
                and_(subject_member.c.agency == agency, subject_member.c.source_id == source_id)
            )
        ).scalar()
        sides.append({"agency": agency, "source_id": source_id, "subject_id": subject_id, **dict(fields or {})})
    return ReviewItem(
        row["id"], row["status"], row["match_probability"], row["reasons"], sides[0], sides[1],
        row["decided_by"], row["note"],
    )  # fmt: skip


def decide(db: Engine, review_id: int, *, accept: bool, by: str, note: str | None = None) -> ReviewItem:
    """Record a decision on one review item. A decided item may be decided again (the last
    decision counts); a superseded one may still be decided, since the pair remains real."""
    get_review(db, review_id)
    with db.begin() as connection:
        connection.execute(
            update(linkage_review)
            .where(linkage_review.c.id == review_id)
            .values(
                status="accepted" if accept else "rejected",
                decided_by=by,
                decided_at=datetime.now(UTC).replace(tzinfo=None),
                note=note,
            )
        )
    return get_review(db, review_id)
