"""The result every identifier check returns: a normalised value, or the value as given and why it
was refused."""

from __future__ import annotations

from dataclasses import dataclass

# What every check says about empty or whitespace-only input. Callers treat such values as
# missing before checking; this answer only keeps the checks total.
EMPTY_PROBLEM = "empty"


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of checking one identifier.

    ``value`` is the normalised form when ``valid`` is true. When it is false, ``value`` is the
    input exactly as given apart from surrounding whitespace, so a person can see what the feed
    held, and ``problem`` says in a few words why it was refused.
    """

    value: str
    valid: bool
    problem: str | None


def accept(value: str) -> Checked:
    """A valid identifier, already in its normalised form."""
    return Checked(value, True, None)


def reject(given: str, problem: str) -> Checked:
    """An invalid identifier: ``given`` is the stripped input, ``problem`` a short reason."""
    return Checked(given, False, problem)
