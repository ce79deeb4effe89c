"""Who each subject is for screening: date of birth, sex, ethnicity and home area, chosen from the
subject's member person records, and whether they are in scope on the screening date.

Agencies disagree (a day and month swapped, an old address, ethnicity left blank). For each
field the value most member records hold wins; a tie goes to the agency listed first in the
indicators file's `subjects.agency_priority`. "unknown" sex and "not_stated" ethnicity never
outvote a recorded value. Area and local authority come from the postcode district (reference
geography); a pupil whose records hold no postcode gets the local authority of their UPN.
"""

from __future__ import annotations

from datetime import date

import duckdb

from linewatch.screening.definitions import Definitions
from linewatch.screening.inputs import scalar

AGE_BANDS = ((8, 11), (12, 14), (15, 17), (18, 21), (22, 25))


def age_band_sql(age: str) -> str:
    cases = " ".join(f"WHEN {age} BETWEEN {low} AND {high} THEN '{low}-{high}'" for low, high in AGE_BANDS)
    return f"CASE {cases} WHEN {age} IS NULL THEN 'unknown' ELSE 'other' END"


def _pick(column: str, where: str = "") -> str:
    """Per subject, the value of `column` most member records hold (ties: agency priority)."""
    return f"""
        SELECT subject_id, value FROM (
            SELECT subject_id, {column} AS value,
                   row_number() OVER (PARTITION BY subject_id ORDER BY count(*) DESC, min(rank), {column}) AS k
            FROM subject_person WHERE {column} IS NOT NULL {where}
            GROUP BY subject_id, {column}
        ) WHERE k = 1"""


def build_profiles(con: duckdb.DuckDBPyConnection, definitions: Definitions) -> None:
    """`subject_profile`: one row per live subject with the fields above and home coordinates."""
    priority = definitions.file.subjects.agency_priority
    ranks = " UNION ALL ".join(f"SELECT '{agency}' AS agency, {rank} AS rank" for rank, agency in enumerate(priority))
    con.execute(f"CREATE OR REPLACE TABLE agency_rank AS {ranks}")
    con.execute(
        """
        CREATE OR REPLACE TABLE subject_person AS
        SELECT m.subject_id, p.agency, p.date_of_birth, p.sex, p.ethnicity,
               upper(trim(p.postcode)) AS postcode, p.upn, coalesce(r.rank, 99) AS rank
        FROM t_person p
        JOIN t_subject_member m ON m.agency = p.agency AND m.source_id = p.source_id
        LEFT JOIN agency_rank r ON r.agency = p.agency
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE subject_profile AS
        WITH subjects AS (SELECT DISTINCT subject_id FROM t_subject_member),
             dob AS ({_pick("date_of_birth")}),
             sex AS ({_pick("sex", "AND sex <> 'unknown'")}),
             ethnicity AS ({_pick("ethnicity", "AND ethnicity <> 'not_stated'")}),
             postcode AS ({_pick("postcode", "AND postcode <> ''")}),
             upn AS ({_pick("upn", "AND length(upn) = 13")})
        SELECT s.subject_id,
               dob.value AS date_of_birth,
               coalesce(sex.value, 'unknown') AS sex,
               coalesce(ethnicity.value, 'not_recorded') AS ethnicity,
               postcode.value AS postcode,
               d.district,
               coalesce(d.area, 'unknown') AS area,
               coalesce(d.local_authority, la.local_authority, 'unknown') AS local_authority,
               d.latitude AS home_latitude,
               d.longitude AS home_longitude
        FROM subjects s
        LEFT JOIN dob USING (subject_id)
        LEFT JOIN sex USING (subject_id)
        LEFT JOIN ethnicity USING (subject_id)
        LEFT JOIN postcode USING (subject_id)
        LEFT JOIN upn USING (subject_id)
        LEFT JOIN ref_district d ON d.district = split_part(postcode.value, ' ', 1)
        LEFT JOIN ref_la la ON la.la_number = substr(upn.value, 2, 3)
        """
    )


def build_scope(con: duckdb.DuckDBPyConnection, definitions: Definitions, as_at: date) -> int:
    """`in_scope`: subjects aged within the scope on the screening date, with age and age band.
    A subject whose records hold no date of birth stays in scope (age unknown) rather than be
    silently left out."""
    scope = definitions.file.scope
    age = f"date_sub('year', date_of_birth, DATE '{as_at.isoformat()}')"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE in_scope AS
        SELECT *, {age_band_sql("age")} AS age_band FROM (
            SELECT p.*, {age} AS age FROM subject_profile p
        )
        WHERE age IS NULL OR age BETWEEN {scope.min_age} AND {scope.max_age}
        """
    )
    return int(scalar(con, "SELECT count(*) FROM in_scope"))
