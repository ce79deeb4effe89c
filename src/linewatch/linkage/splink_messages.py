"""Splink's warnings (a comparison level never seen in training, a sample too small) collected
as notes on the run instead of printed over the progress display."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = " ".join(record.getMessage().replace("WARNING:", " ").split())
        if text and text not in self.messages:
            self.messages.append(text)


@contextmanager
def splink_warnings() -> Iterator[list[str]]:
    """Within the block, Splink's warnings go into the yielded list, not to the terminal."""
    logger = logging.getLogger("splink")
    collector = _Collector()
    saved = (logger.level, logger.propagate, list(logger.handlers))
    for handler in saved[2]:
        logger.removeHandler(handler)
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
        for handler in saved[2]:
            logger.addHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
