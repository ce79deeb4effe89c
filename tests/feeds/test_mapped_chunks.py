"""A large feed is read and mapped in a second process: the loading process receives exactly the
chunks it would have mapped itself, a problem reading the file stops the load with the same
message, and the second process never outlives the chunks."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from unittest import mock

import pytest

from linewatch.feeds import mapped_chunks as mapped_chunks_module
from linewatch.feeds.chunk_mapper import ChunkMapper
from linewatch.feeds.mapped_chunks import MappedChunk, mapped_chunks, second_process_helps
from linewatch.feeds.mapping import load_mapping
from linewatch.feeds.readers import FeedFileError, ReadOptions, open_rows
from tests.feeds.helpers import MISSING_MAPPING, missing_row, write_csv

READER = "linewatch-feed-reader"


def readers_running() -> list[str]:
    return [process.name for process in multiprocessing.active_children() if process.name == READER]


def all_chunks(path: Path, second_process: bool, keep_bad_cells: bool = True) -> list[MappedChunk]:
    mapper = ChunkMapper(load_mapping(MISSING_MAPPING))
    with open_rows(path, ReadOptions(format="csv")) as source:
        mapper.restrict_to(source.columns)
        with mapped_chunks(source, mapper, 7, keep_bad_cells=keep_bad_cells, second_process=second_process) as chunks:
            return list(chunks)


def test_the_second_process_maps_exactly_the_chunks_this_process_would(tmp_path: Path) -> None:
    rows = [missing_row(n) for n in range(40)]
    rows[5]["DOB"] = "31/02/2009"  # file row 7
    rows[30]["Nominal ID"] = ""  # file row 32
    path = write_csv(tmp_path / "missing.csv", rows)

    in_this_process = all_chunks(path, second_process=False)
    in_a_second_process = all_chunks(path, second_process=True)

    assert in_a_second_process == in_this_process
    assert [chunk.rows for chunk in in_a_second_process] == [7, 7, 7, 7, 7, 5]
    assert [sorted(chunk.bad) for chunk in in_a_second_process] == [[7], [], [], [], [32], []]
    assert in_a_second_process[0].bad_cells[7]["DOB"] == "31/02/2009"
    assert [name for name, _ in in_a_second_process[0].batches] == ["Person", "MissingEpisode"]


def test_bad_rows_cells_are_only_sent_when_asked_for(tmp_path: Path) -> None:
    rows = [missing_row(n) for n in range(10)]
    rows[2]["DOB"] = "31/02/2009"
    path = write_csv(tmp_path / "missing.csv", rows)
    (chunk, _) = all_chunks(path, second_process=True, keep_bad_cells=False)
    assert list(chunk.bad) == [4] and chunk.bad_cells == {}


def test_a_file_that_cannot_be_read_stops_with_the_readers_message(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(30)])
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('MIS/99999,N0001,"never closed\n')  # file row 32
    with pytest.raises(FeedFileError, match="ends inside a quoted field that starts on row 32"):
        all_chunks(path, second_process=True)
    assert readers_running() == []


def test_the_second_process_ends_when_the_caller_stops_early(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(200)])
    mapper = ChunkMapper(load_mapping(MISSING_MAPPING))
    with open_rows(path, ReadOptions(format="csv")) as source:
        mapper.restrict_to(source.columns)
        with mapped_chunks(source, mapper, 7, keep_bad_cells=False, second_process=True) as chunks:
            first = next(iter(chunks))
            assert readers_running() == [READER]
    assert first.rows == 7
    assert readers_running() == []


def test_only_large_files_on_linux_use_a_second_process(tmp_path: Path) -> None:
    small = write_csv(tmp_path / "small.csv", [missing_row(n) for n in range(10)])
    with mock.patch.object(mapped_chunks_module, "SECOND_PROCESS_FROM_BYTES", small.stat().st_size + 1):
        assert not second_process_helps(small)
    with mock.patch.object(mapped_chunks_module, "SECOND_PROCESS_FROM_BYTES", small.stat().st_size):
        assert second_process_helps(small)
        with mock.patch.object(mapped_chunks_module.sys, "platform", "darwin"):
            assert not second_process_helps(small)


def test_another_thread_running_does_not_stop_the_second_process(tmp_path: Path) -> None:
    # The command line's progress bar runs a thread while a feed loads.
    path = write_csv(tmp_path / "missing.csv", [missing_row(n) for n in range(20)])
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait, daemon=True)
    busy.start()
    try:
        mapper = ChunkMapper(load_mapping(MISSING_MAPPING))
        with (
            mock.patch.object(mapped_chunks_module, "SECOND_PROCESS_FROM_BYTES", 0),
            open_rows(path, ReadOptions(format="csv")) as source,
        ):
            mapper.restrict_to(source.columns)
            second_process = second_process_helps(path)
            with mapped_chunks(source, mapper, 7, keep_bad_cells=False, second_process=second_process) as chunks:
                received = [next(iter(chunks))]
                assert readers_running() == [READER]
                received += list(chunks)
    finally:
        stop.set()
        busy.join()
    assert [chunk.rows for chunk in received] == [7, 7, 6]
    assert readers_running() == []
