"""Random streams for the synthetic county: one independent, seeded generator per component.

Each component (population, exploitation, police feed noise ...) draws from its own stream,
derived from the county seed and the component's name, so that adding draws to one component
never changes the data another produces, and the same seed always gives the same county.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, component: str) -> np.random.Generator:
    """The generator for one named component of the county built from `seed`."""
    # crc32, not hash(): Python salts str hashes per process, which would break determinism.
    return np.random.default_rng([seed, zlib.crc32(component.encode("utf-8"))])
