"""Errors a linkage user can act on: bad input (say which file and column) and bad state (say
which command to run)."""

from __future__ import annotations


class LinkageError(Exception):
    """Linkage cannot go ahead; the message says why and what to do."""


class LinkageInputError(LinkageError):
    """Input records are not in a shape linkage can use (missing columns, repeated ids)."""
