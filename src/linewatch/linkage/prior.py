"""The prior person model shipped in the package (data/prior_person_model.json), used when an
input is too small to train on. It is trained exactly as a real run trains, without labels, on
practice records (practice_data.py, default noise, every agency). Rebuild it after changing the
comparisons in model.py::

    python -m linewatch.linkage.prior
"""

from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path

from linewatch.linkage.engines import DuckDBEngine
from linewatch.linkage.model import settings_for
from linewatch.linkage.model_store import PRIOR_RESOURCE, model_meta
from linewatch.linkage.practice_data import DEFAULT_AGENCIES, practice_people
from linewatch.linkage.scoring import make_linker
from linewatch.linkage.standardise import evidence_present, standardise
from linewatch.linkage.training import monotone_weights, train

PRIOR_PEOPLE = 10_000
PRIOR_SEED = 7


def build_prior() -> dict[str, object]:
    practice = practice_people(PRIOR_PEOPLE, seed=PRIOR_SEED, agencies=DEFAULT_AGENCIES)
    cleaned = standardise(practice.records)
    columns = evidence_present(cleaned)
    with DuckDBEngine() as engine:
        linker = make_linker(engine.register(cleaned, "practice"), settings_for(columns))
        notes = train(linker, columns)
        settings = linker.misc.save_model_to_json()
        for line in monotone_weights(settings):
            notes.add(line)
    meta = model_meta(
        columns,
        cleaned.num_rows,
        [f"Prior model: practice data, {PRIOR_PEOPLE:,} people, seed {PRIOR_SEED}.", *notes.lines],
        "duckdb",
    )
    return {"settings": settings, "meta": {**meta, "prior": True}}


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    package, folder, name = PRIOR_RESOURCE
    path = Path(str(resources.files(package).joinpath(folder).joinpath(name)))
    path.write_text(json.dumps(build_prior(), indent=2), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
