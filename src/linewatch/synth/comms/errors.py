"""The error raised when a CommsSpec cannot be turned into call records."""

from __future__ import annotations


class CommsSpecError(ValueError):
    """A CommsSpec that names something the generator cannot use; the message says which
    field and value, and what was expected."""
