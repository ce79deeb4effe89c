"""Every metric `linewatch evaluate` knows: importing a capability's module registers its metrics."""

from linewatch.evaluate.registry import METRICS

# One import per capability; each module registers its metrics with @metric.
from linewatch.evaluate import feeds  # noqa: F401  isort: skip
from linewatch.evaluate import lines  # noqa: F401  isort: skip
from linewatch.evaluate import linkage  # noqa: F401  isort: skip
from linewatch.evaluate import places  # noqa: F401  isort: skip
from linewatch.evaluate import screening  # noqa: F401  isort: skip

__all__ = ["METRICS"]
