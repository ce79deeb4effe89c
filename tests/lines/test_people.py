"""Numbers linked to agency person records through a person's phone or a phone association."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from linewatch.lines.people import PersonLink, linked_people
from linewatch.store.tables import metadata
from tests.conftest import Store

NOW = datetime(2025, 1, 6, 9, 0)


def add_feed(store: Store) -> int:
    feed = metadata.tables["feed"]
    with store.engine.begin() as connection:
        return int(
            connection.execute(
                insert(feed).values(
                    agency="police",
                    mapping="m",
                    file_name="f.csv",
                    content_sha256="0" * 64,
                    status="loaded",
                    rows_read=1,
                    rows_loaded=1,
                    rows_rejected=0,
                    records={},
                    loaded_at=NOW,
                    loaded_by="test",
                    seconds=0.1,
                )
            ).inserted_primary_key[0]
        )


def provenance(feed_id: int, source_id: str, current: bool = True) -> dict[str, object]:
    return {
        "agency": "police",
        "source_id": source_id,
        "version": 1,
        "is_current": current,
        "feed_id": feed_id,
        "source_row": 2,
        "ingested_at": NOW,
        "content_hash": "0" * 32,
    }


def test_runner_number_on_a_person_record_and_an_association_is_linked(sqlite_store: Store) -> None:
    feed_id = add_feed(sqlite_store)
    with sqlite_store.engine.begin() as connection:
        connection.execute(
            insert(metadata.tables["person"]).values(
                **provenance(feed_id, "P1"), phone="+447400900020", phone_valid=True
            )
        )
        connection.execute(
            insert(metadata.tables["person"]).values(
                **provenance(feed_id, "P9"), phone="+447400000001", phone_valid=True
            )
        )
        connection.execute(
            insert(metadata.tables["association"]).values(
                **provenance(feed_id, "A1"), person="P2", phone="+447400900020", association_type="uses_phone"
            )
        )
    links = linked_people(sqlite_store.engine, ["+447400900020"])
    assert links == [
        PersonLink("+447400900020", "police", "P1", "person.phone"),
        PersonLink("+447400900020", "police", "P2", "association.phone"),
    ]
