"""A feed's rows, read and mapped onto the model a chunk at a time: in a second process for a
large file, so that reading and mapping (about half of a load's time in this process) run on one
core while this process versions and writes on another.

The second process only reads the file and maps its rows. It writes nothing and uses no
database connection: everything stored is still written by the loading process, in its one
transaction, so a load stays all or nothing. The process is forked with the feed already open,
carries on reading where the loading process stopped (after the header), and sends each mapped
chunk back through a pipe; it is always gone when the chunks are.

Forking a process that runs other threads (the command line's progress bar, a web server's
workers) is safe here because the child needs nothing those threads may hold: it reads the
feed (which only the loading thread touches), maps, pickles and writes to its pipe, and ends
with os._exit, running no clean-up (no flushing of output streams another thread may have had
locked, no closing of inherited database connections, which stay the parent's).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from linewatch.feeds.chunk_mapper import ChunkMapper
from linewatch.feeds.readers import RowSource
from linewatch.feeds.rows import Cells, RowError
from linewatch.store.versioned_writer import Batch

# Below this size a file is read and mapped in the loading process: starting another process
# and passing chunks through a pipe cost more than they save.
SECOND_PROCESS_FROM_BYTES = 4_000_000


@dataclass(slots=True)
class MappedChunk:
    """One chunk of rows as the writers take it."""

    rows: int  # rows read
    batches: list[tuple[str, Batch]]  # (schema name, its records)
    bad: dict[int, list[RowError]]  # row number -> problems; a bad row produces no record
    bad_cells: dict[int, Cells]  # row number -> the row as it was, when asked for (rejects file)


def map_chunks(source: RowSource, mapper: ChunkMapper, chunk_rows: int, keep_bad_cells: bool) -> Iterator[MappedChunk]:
    """The chunks of `source` mapped by `mapper`, in this process."""
    for chunk in source.chunks(chunk_rows):
        batches, bad = mapper.map_chunk(chunk)
        bad_cells: dict[int, Cells] = {}
        if bad and keep_bad_cells:
            index_of = {number: index for index, number in enumerate(chunk.numbers)}
            bad_cells = {number: chunk.cells(index_of[number]) for number in bad}
        yield MappedChunk(len(chunk), [(schema.name, batch) for schema, batch in batches], bad, bad_cells)


def second_process_helps(path: Path) -> bool:
    """Whether to read and map `path` in a second process: a large file, on Linux (where a
    process is forked with its open files; macOS can fork, but its system libraries are not
    safe to use in a forked child)."""
    return sys.platform == "linux" and path.stat().st_size >= SECOND_PROCESS_FROM_BYTES


@contextmanager
def mapped_chunks(
    source: RowSource, mapper: ChunkMapper, chunk_rows: int, *, keep_bad_cells: bool, second_process: bool
) -> Iterator[Iterator[MappedChunk]]:
    """The chunks of `source` mapped by `mapper`; with `second_process`, read and mapped by a
    forked process one chunk ahead of the caller. Leaving the block ends that process."""
    if not second_process:
        yield map_chunks(source, mapper, chunk_rows, keep_bad_cells)
        return
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_send_chunks,
        args=(source, mapper, chunk_rows, keep_bad_cells, sending, receiving),
        name="linewatch-feed-reader",
        daemon=True,
    )
    process.start()
    sending.close()  # only the child sends: the pipe breaks when it exits
    try:
        yield _received(receiving, process)
    finally:
        receiving.close()  # a child still sending gets a broken pipe and stops
        process.join(timeout=1)  # it has sent its last chunk, or is about to find the pipe broken
        if process.is_alive():  # still mapping a chunk nobody will read
            process.kill()
            process.join()


def _received(receiving: Connection, process: BaseProcess) -> Iterator[MappedChunk]:
    while True:
        try:
            message = receiving.recv()
        except EOFError:
            process.join()
            raise RuntimeError(
                f"the process reading the feed stopped unexpectedly (exit code {process.exitcode})"
            ) from None
        if message is None:
            return
        if isinstance(message, BaseException):
            raise message
        yield message


def _send_chunks(
    source: RowSource,
    mapper: ChunkMapper,
    chunk_rows: int,
    keep_bad_cells: bool,
    sending: Connection,
    receiving: Connection,
) -> None:
    """The child process: every mapped chunk, then None; or the error that stopped it."""
    receiving.close()  # the parent's end, inherited: held open here, the pipe would never break
    code = 0
    try:
        for chunk in map_chunks(source, mapper, chunk_rows, keep_bad_cells):
            sending.send(chunk)
        sending.send(None)
    except (BrokenPipeError, KeyboardInterrupt):
        code = 1  # the loading process has stopped listening
    except BaseException as error:  # handed to the loading process, which raises it
        try:
            sending.send(error)
        except Exception:  # an error that cannot be pickled: send what it said
            sending.send(RuntimeError("".join(traceback.format_exception(error))))
    finally:
        sending.close()
        os._exit(code)  # see the module docstring
