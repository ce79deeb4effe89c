"""Nickname equivalence: which recorded forenames may name the same person (Liam, Will and Billy
for William). The table is the one the synthetic county generator ships
(src/linewatch/synth/data/nicknames.csv, one ``name,variant`` pair a line), read here so the two
never drift apart.

A name's *forms* are the name itself and every name it is a variant of, followed upwards
(Freddy -> Freddie -> Frederick). Two names are nickname-equivalent when their forms share one.
Forms only go upwards, so Samuel and Samantha stay apart although both shorten to Sam.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from linewatch.linkage.text import clean_name


@cache
def _parents() -> Mapping[str, tuple[str, ...]]:
    from linewatch.synth import reference

    parents: dict[str, set[str]] = {}
    for name, variants in reference.nicknames().items():
        for variant in variants:
            parents.setdefault(clean_name(variant), set()).add(clean_name(name))
    return {variant: tuple(sorted(names)) for variant, names in parents.items()}


def name_forms(name: str) -> list[str]:
    """The forms of an already cleaned forename, itself first, then the rest in sorted order."""
    parents = _parents()
    seen = {name}
    pending = [name]
    while pending:
        for parent in parents.get(pending.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                pending.append(parent)
    return [name, *sorted(seen - {name})]
