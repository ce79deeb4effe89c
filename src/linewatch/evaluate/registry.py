"""Metrics as small named functions, each printing its own definition with its figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class MetricUnavailable(Exception):
    """A metric could not be computed (its pipeline output or truth is missing)."""


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    value: float
    definition: str
    target: str | None = None  # e.g. ">= 0.97"
    detail: str | None = None

    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        operator, _, threshold = self.target.partition(" ")
        limit = float(threshold)
        return {
            ">=": self.value >= limit,
            "<=": self.value <= limit,
            ">": self.value > limit,
            "<": self.value < limit,
        }[operator]


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    capability: str
    compute: Callable[[Path, Path], list[Figure]]  # (county dir, workspace dir) -> figures


METRICS: list[Metric] = []


def metric(
    name: str, capability: str
) -> Callable[[Callable[[Path, Path], list[Figure]]], Callable[[Path, Path], list[Figure]]]:
    def register(
        function: Callable[[Path, Path], list[Figure]],
    ) -> Callable[[Path, Path], list[Figure]]:
        METRICS.append(Metric(name, capability, function))
        return function

    return register
