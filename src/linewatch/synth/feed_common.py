"""What every feed renderer shares: the result it hands back (file, mapping, and the truth about
the people and records in it), and formatting of names, dates and identifiers the way agencies
write them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from linewatch.synth.identities import SYSTEMS
from linewatch.synth.world import World
from linewatch.synth.writers import write_csv as write_csv  # re-exported for the renderers


@dataclass(slots=True)
class FeedResult:
    file: str  # relative to DIR/feeds
    agency: str
    mapping: str
    rows: int
    persons: pd.DataFrame  # source_person_id, person (row): whose records this feed carries
    signals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["record_id", "person", "signal", "at"]))


def signals_of(record_ids: np.ndarray, events: pd.DataFrame, time_column: str) -> pd.DataFrame:
    """Truth about which records in a feed are signals (exploitation, cuckooing, look-alikes)."""
    mask = events["signal"].to_numpy() != ""
    return pd.DataFrame(
        {
            "record_id": np.asarray(record_ids)[mask],
            "person": events["person"].to_numpy()[mask] if "person" in events else -1,
            "signal": events["signal"].to_numpy()[mask],
            "at": pd.to_datetime(events[time_column]).to_numpy()[mask],
        }
    )


def persons_in(identity: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    used = identity[identity["person"].isin(np.unique(rows[rows >= 0]))]
    return pd.DataFrame({"source_person_id": used["local_id"].to_numpy(), "person": used["person"].to_numpy()})


def fmt_dates(values: object, fmt: str) -> np.ndarray:
    """Dates or datetimes as text in an agency's format; missing values as ''."""
    series = pd.to_datetime(pd.Series(values))
    return series.dt.strftime(fmt).fillna("").to_numpy(dtype=object)


def ids(prefix: str, count: int, width: int = 7, start: int = 1) -> np.ndarray:
    return np.array([f"{prefix}{start + k:0{width}d}" for k in range(count)], dtype=object)


def lookup(identity: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The agency's person record for each event row (aligned with `rows`; -1 gives blanks)."""
    indexed = identity.set_index("person")
    safe = np.where(rows >= 0, rows, indexed.index[0] if len(indexed) else 0)
    found = indexed.reindex(safe).reset_index()
    if (rows < 0).any():
        blank = rows < 0
        for column in found.columns:
            if found[column].dtype == object:
                found.loc[blank, column] = ""
        found.loc[blank, "dob"] = pd.NaT
        found.loc[blank, "local_id"] = ""
    return found


def surname_first(frame: pd.DataFrame, middle_initial: bool = False, strip_punctuation: bool = False) -> np.ndarray:
    """'SURNAME, Forename Middle' (police) or 'SURNAME, Forename M' (health)."""
    out = []
    for surname, given, middle in zip(frame["surname"], frame["given_name"], frame["middle_names"], strict=True):
        if not surname and not given:
            out.append("")
            continue
        upper = str(surname).upper()
        if strip_punctuation:
            upper = upper.replace("'", "").replace("-", " ")
        rest = str(middle)[:1] if middle_initial and middle else str(middle)
        out.append(f"{upper}, {given} {rest}".strip())
    return np.array(out, dtype=object)


def forenames_first(frame: pd.DataFrame, with_middle: bool = False) -> np.ndarray:
    parts = []
    for surname, given, middle in zip(frame["surname"], frame["given_name"], frame["middle_names"], strict=True):
        name = " ".join(p for p in (given, middle if with_middle else "", surname) if p)
        parts.append(name)
    return np.array(parts, dtype=object)


def spaced_nhs(numbers: np.ndarray) -> np.ndarray:
    return np.array([f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else n for n in numbers], dtype=object)


def national_phone(numbers: np.ndarray) -> np.ndarray:
    """+447911123456 -> '07911 123456', as police systems write numbers."""
    return np.array([f"0{n[3:7]} {n[7:]}" if n.startswith("+44") else n for n in numbers], dtype=object)


def address_text(world: World, address_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(line1, town, postcode, uprn) for address rows (-1 gives blanks)."""
    addresses = world.geo.addresses
    safe = np.where(address_rows >= 0, address_rows, 0)
    picked = addresses.iloc[safe]
    town_names = np.array([t.town for t in world.geo.towns], dtype=object)
    blank = address_rows < 0
    line1 = np.where(blank, "", picked["line1"].to_numpy())
    town = np.where(blank, "", town_names[picked["town"].to_numpy()])
    postcode = np.where(blank, "", picked["postcode"].to_numpy())
    uprn = np.where(blank, "", picked["uprn"].astype(str).to_numpy())
    return line1, town, postcode, uprn


def coded(values: np.ndarray, codes: dict[str, str], default: str = "") -> np.ndarray:
    return np.array([codes.get(str(v), default) for v in values], dtype=object)


def yes_no(values: object) -> np.ndarray:
    return np.where(pd.Series(values).fillna(False).astype(bool).to_numpy(), "Y", "N")


def numbers_text(values: object, decimals: int = 0) -> np.ndarray:
    series = pd.to_numeric(pd.Series(values), errors="coerce")
    text = series.map(lambda v: "" if pd.isna(v) else (f"{v:.{decimals}f}" if decimals else str(int(v))))
    return text.to_numpy(dtype=object)


def rows_of(*columns: np.ndarray) -> zip[tuple[object, ...]]:
    return zip(*columns, strict=True)


def out_path(root: Path, file: str) -> Path:
    return root / file


# The agency system each feed's people come from.
SYSTEM_OF_FEED = {name: system for name, system in SYSTEMS.items()}

# Ethnicity codes in agency vocabularies (each mapped back to the model in the feed mappings).
SDE_CODES = {  # police self-defined ethnicity (18+1)
    "white_british": "W1",
    "white_irish": "W2",
    "white_gypsy_traveller": "W3",
    "white_roma": "W4",
    "white_other": "W9",
    "mixed_white_black_caribbean": "M1",
    "mixed_white_black_african": "M2",
    "mixed_white_asian": "M3",
    "mixed_other": "M9",
    "asian_indian": "A1",
    "asian_pakistani": "A2",
    "asian_bangladeshi": "A3",
    "asian_chinese": "A4",
    "asian_other": "A9",
    "black_caribbean": "B1",
    "black_african": "B2",
    "black_other": "B9",
    "arab": "O1",
    "other": "O9",
    "not_stated": "NS",
}
DFE_CODES = {  # DfE ethnicity codes (school census and children's social care)
    "white_british": "WBRI",
    "white_irish": "WIRI",
    "white_gypsy_traveller": "WIRT",
    "white_roma": "WROM",
    "white_other": "WOTH",
    "mixed_white_black_caribbean": "MWBC",
    "mixed_white_black_african": "MWBA",
    "mixed_white_asian": "MWAS",
    "mixed_other": "MOTH",
    "asian_indian": "AIND",
    "asian_pakistani": "APKN",
    "asian_bangladeshi": "ABAN",
    "asian_chinese": "CHNE",
    "asian_other": "AOTH",
    "black_caribbean": "BCRB",
    "black_african": "BAFR",
    "black_other": "BOTH",
    "arab": "OOTH",
    "other": "OOTH",
    "not_stated": "REFU",
}
NHS_ETHNIC_CODES = {  # NHS Data Dictionary ethnic category
    "white_british": "A",
    "white_irish": "B",
    "white_gypsy_traveller": "C",
    "white_roma": "C",
    "white_other": "C",
    "mixed_white_black_caribbean": "D",
    "mixed_white_black_african": "E",
    "mixed_white_asian": "F",
    "mixed_other": "G",
    "asian_indian": "H",
    "asian_pakistani": "J",
    "asian_bangladeshi": "K",
    "asian_chinese": "R",
    "asian_other": "L",
    "black_caribbean": "M",
    "black_african": "N",
    "black_other": "P",
    "arab": "S",
    "other": "S",
    "not_stated": "Z",
}


def recorded_ethnicity(rng: np.random.Generator, ethnicity: np.ndarray, not_stated_share: float) -> np.ndarray:
    """Agencies leave ethnicity unrecorded for some people."""
    return np.where(rng.random(ethnicity.size) < not_stated_share, "not_stated", ethnicity)
