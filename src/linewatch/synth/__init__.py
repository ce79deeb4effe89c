"""The synthetic county: a population, the county lines that exploit some of its children,
each agency's feeds in its own format, communications data, and the ground truth kept apart.

    from linewatch.synth import generate_county
    summary = generate_county(Path("county"), children=20_000, seed=1)
"""

from linewatch.synth.county import CountySummary, generate_county

__all__ = ["CountySummary", "generate_county"]
