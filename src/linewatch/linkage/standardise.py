"""Standardisation: the standard record table in, the table Splink compares out. Names are
cleaned once per distinct value (casefold, accents and punctuation dropped, nickname forms,
phonetic code) and joined back in DuckDB; dates become ISO text; only valid identifiers are kept.

Output columns (all text unless said):

| column | from | used for |
|---|---|---|
| given_name | first word of the cleaned forename | exact / Jaro-Winkler, term frequencies |
| given_forms (list) | nickname forms of given_name | nickname level |
| given_phonetic | NYSIIS of given_name | phonetic level, blocking |
| middle_first | first middle name (or second forename word) | forename/middle swapped level |
| surname | cleaned surname, spaces removed | exact / Jaro-Winkler, term frequencies |
| surname_parts (list) | words of a double-barrelled surname | one part shared level |
| surname_phonetic | NYSIIS of surname | phonetic level, blocking |
| dob | ISO date (unparseable dates become null) | exact, transposed, typo, same year |
| dob_swapped | the date with day and month swapped, same layout | blocking transposed dates |
| sex | female / male, else null | exact |
| nhs_number, upn, pnc_id, uprn, phone | value when valid, else null | exact evidence |
| postcode, postcode_history (list) | valid postcode now and before | address levels |
| address | address as written: lower case, letters, digits, single spaces | address levels |
| other_id | an analyst's own identifier, upper case letters and digits | exact / one typo |

The same code runs whichever engine then scores the pairs, so DuckDB and Spark see identical input.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from linewatch.linkage.columns import HISTORY_COLUMN, IDENTIFIER_COLUMNS
from linewatch.linkage.nicknames import name_forms
from linewatch.linkage.phonetic import nysiis
from linewatch.linkage.text import clean_name

# Input date layouts accepted, tried in order: ISO first, then the UK day-first forms.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")

SEX_WORDS = {"f": "female", "female": "female", "girl": "female", "m": "male", "male": "male", "boy": "male"}

COMPARED_COLUMNS = (
    "given_name",
    "given_forms",
    "given_phonetic",
    "middle_first",
    "surname",
    "surname_parts",
    "surname_phonetic",
    "dob",
    "sex",
    "nhs_number",
    "upn",
    "pnc_id",
    "postcode",
    "postcode_history",
    "uprn",
    "phone",
    "address",
    "other_id",
)


# The evidence a model can compare, by input name, and the standardised column that carries it.
EVIDENCE_CARRIED_BY = {
    "given_name": "given_name",
    "middle_names": "middle_first",
    "surname": "surname",
    "dob": "dob",
    "sex": "sex",
    "nhs_number": "nhs_number",
    "upn": "upn",
    "pnc_id": "pnc_id",
    "postcode": "postcode",
    "uprn": "uprn",
    "phone": "phone",
    "address": "address",
    "other_id": "other_id",
}


def evidence_present(cleaned: pa.Table) -> list[str]:
    """The evidence (input names) holding at least one usable value after standardisation."""
    return [
        evidence
        for evidence, column in EVIDENCE_CARRIED_BY.items()
        if cleaned.column(column).null_count < cleaned.num_rows
    ]


def name_lookup(raw_names: list[str]) -> pa.Table:
    """One row per distinct raw name: its cleaned words and what is derived from them."""
    columns: dict[str, list[object]] = {
        "raw": [],
        "first": [],
        "rest": [],
        "joined": [],
        "parts": [],
        "first_forms": [],
        "first_phonetic": [],
        "joined_phonetic": [],
    }
    for raw in raw_names:
        words = clean_name(raw).split()
        first = words[0] if words else None
        joined = "".join(words) or None
        columns["raw"].append(raw)
        columns["first"].append(first)
        columns["rest"].append(" ".join(words[1:]) or None)
        columns["joined"].append(joined)
        columns["parts"].append(words or None)
        columns["first_forms"].append(name_forms(first) if first else None)
        columns["first_phonetic"].append(nysiis(first) or None if first else None)
        columns["joined_phonetic"].append(nysiis(joined) or None if joined else None)
    return pa.table(
        columns,
        schema=pa.schema(
            [
                ("raw", pa.string()),
                ("first", pa.string()),
                ("rest", pa.string()),
                ("joined", pa.string()),
                ("parts", pa.list_(pa.string())),
                ("first_forms", pa.list_(pa.string())),
                ("first_phonetic", pa.string()),
                ("joined_phonetic", pa.string()),
            ]
        ),
    )


def standardise(records: pa.Table, connection: duckdb.DuckDBPyConnection | None = None) -> pa.Table:
    """The comparison table for standard records (see the module docstring for its columns)."""
    con = connection or duckdb.connect()
    con.register("lw_records", records)
    raw_names = con.sql(
        """
        select distinct name from (
            select given_name as name from lw_records union all
            select middle_names from lw_records union all
            select surname from lw_records
        ) where name is not null
        """
    ).fetchall()
    con.register("lw_names", name_lookup([row[0] for row in raw_names]))
    con.register("lw_sex_words", pa.table({"word": list(SEX_WORDS), "sex": list(SEX_WORDS.values())}))
    identifiers = ",\n".join(
        f"case when r.{name}_valid then r.{name} end as {name}" for name in IDENTIFIER_COLUMNS if name != "postcode"
    )
    formats = ", ".join(f"'{layout}'" for layout in DATE_FORMATS)
    result = con.sql(
        f"""
        select
            r.record_id, r.agency, r.source_id,
            g.first as given_name,
            g.first_forms as given_forms,
            g.first_phonetic as given_phonetic,
            coalesce(split_part(g.rest, ' ', 1), m.first) as middle_first,
            s.joined as surname,
            s.parts as surname_parts,
            s.joined_phonetic as surname_phonetic,
            strftime(try_strptime(trim(r.dob), [{formats}]), '%Y-%m-%d') as dob,
            strftime(try_strptime(trim(r.dob), [{formats}]), '%Y-%d-%m') as dob_swapped,
            x.sex as sex,
            case when r.postcode_valid then r.postcode end as postcode,
            nullif(list_distinct(list_filter(
                list_concat(coalesce(r.{HISTORY_COLUMN}, []), [case when r.postcode_valid then r.postcode end]),
                lambda p: p is not null
            )), []) as postcode_history,
            {identifiers},
            nullif(trim(regexp_replace(lower(strip_accents(r.address)), '[^a-z0-9]+', ' ', 'g')), '') as address,
            nullif(upper(regexp_replace(r.other_id, '[^A-Za-z0-9]', '', 'g')), '') as other_id
        from lw_records r
        left join lw_names g on g.raw = r.given_name
        left join lw_names m on m.raw = r.middle_names
        left join lw_names s on s.raw = r.surname
        left join lw_sex_words x on x.word = lower(trim(r.sex))
        order by r.record_id
        """
    ).to_arrow_table()
    con.unregister("lw_records")
    con.unregister("lw_names")
    con.unregister("lw_sex_words")
    return result
