"""Names for synthetic people, drawn by name group (from ethnicity), sex and generation."""

from __future__ import annotations

import numpy as np

from linewatch.synth import reference

# ethnicity -> (name group for forenames and surnames, probability), used per household.
NAME_GROUPS: dict[str, tuple[tuple[str, float], ...]] = {
    "white_british": (("british", 1.0),),
    "white_irish": (("british", 1.0),),
    "white_gypsy_traveller": (("british", 1.0),),
    "white_roma": (("eastern_european", 1.0),),
    "white_other": (("eastern_european", 0.7), ("british", 0.3)),
    "mixed_white_black_caribbean": (("british", 0.6), ("caribbean", 0.4)),
    "mixed_white_black_african": (("british", 0.5), ("african", 0.5)),
    "mixed_white_asian": (("british", 0.5), ("muslim", 0.25), ("indian", 0.25)),
    "mixed_other": (("british", 0.6), ("arab", 0.2), ("east_asian", 0.2)),
    "asian_indian": (("indian", 1.0),),
    "asian_pakistani": (("muslim", 1.0),),
    "asian_bangladeshi": (("muslim", 1.0),),
    "asian_chinese": (("east_asian", 1.0),),
    "asian_other": (("indian", 0.4), ("muslim", 0.3), ("east_asian", 0.3)),
    "black_african": (("african", 1.0),),
    "black_caribbean": (("caribbean", 1.0),),
    "black_other": (("african", 0.5), ("caribbean", 0.5)),
    "arab": (("arab", 1.0),),
    "other": (("british", 0.4), ("arab", 0.3), ("east_asian", 0.3)),
}


def zipf_weights(n: int, exponent: float = 0.8) -> np.ndarray:
    """Weights for a list ordered most common first."""
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def name_group_for(rng: np.random.Generator, ethnicity: np.ndarray) -> np.ndarray:
    groups = np.empty(ethnicity.size, dtype=object)
    draws = rng.random(ethnicity.size)
    for eth, options in NAME_GROUPS.items():
        mask = ethnicity == eth
        if not mask.any():
            continue
        cumulative = np.cumsum([p for _, p in options])
        picks = np.searchsorted(cumulative, draws[mask], side="right")
        picks = np.minimum(picks, len(options) - 1)
        groups[mask] = np.array([g for g, _ in options], dtype=object)[picks]
    return groups


def forenames(rng: np.random.Generator, group: np.ndarray, sex: np.ndarray, era: np.ndarray) -> np.ndarray:
    """One forename per person for (name group, sex, era: young|adult)."""
    table = reference.forenames()
    out = np.empty(group.size, dtype=object)
    keys = sorted({(g, s, e) for g, s, e in zip(group, sex, era, strict=True)})
    for key in keys:
        mask = (group == key[0]) & (sex == key[1]) & (era == key[2])
        pool = table.get(key) or table[("british", key[1], key[2])]
        out[mask] = np.array(pool, dtype=object)[rng.choice(len(pool), int(mask.sum()), p=zipf_weights(len(pool)))]
    return out


def surnames(rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
    table = reference.surnames()
    out = np.empty(group.size, dtype=object)
    for key in sorted(set(group)):
        mask = group == key
        pool = table[key]
        out[mask] = np.array(pool, dtype=object)[rng.choice(len(pool), int(mask.sum()), p=zipf_weights(len(pool), 0.6))]
    return out


def middle_names(
    rng: np.random.Generator, given: np.ndarray, group: np.ndarray, sex: np.ndarray, era: np.ndarray, share: float
) -> np.ndarray:
    """A middle name for `share` of people, never the same as their forename."""
    middle = forenames(rng, group, sex, era)
    again = forenames(rng, group, sex, era)
    middle = np.where(middle == given, again, middle)
    middle = np.where(middle == given, "", middle)
    return np.where(rng.random(given.size) < share, middle, "")
