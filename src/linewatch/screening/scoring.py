"""Scores and levels as at any date, for many subjects at once, in SQL over the candidate evidence.

An indicator fires for a subject as at a date when at least `min_count` of its candidate records
(from at least `min_agencies` agencies) are dated on or before that date and no more than
`window_days` before it (a period counts until `window_days` after it ends). Then

    score = warning signs (+ a corroboration bonus when they come from enough agencies)
            + min(risk factors, cap) - min(protective factors, cap), at least 0

and the level is the highest whose threshold the score reaches. Because the score changes only
when a record's date comes into or leaves a window, "when did this child first reach moderate?"
is answered by scoring each subject as at each date on which one of their records starts to count.
"""

from __future__ import annotations

from datetime import date

import duckdb

from linewatch.screening.definitions import Definitions, Kind, Level
from linewatch.screening.inputs import sql_text

CORROBORATION = "seen_by_several_agencies"  # the reason a corroboration bonus is shown under
ALL_TIME_DAYS = 365 * 200  # an indicator without a window counts any record up to the date


def define_indicators(con: duckdb.DuckDBPyConnection, definitions: Definitions) -> None:
    rows = [
        (
            indicator.id,
            indicator.kind.value,
            float(indicator.weight),
            indicator.window_days if indicator.window_days is not None else ALL_TIME_DAYS,
            indicator.min_count,
            indicator.min_agencies,
            definitions.second_pass(indicator),
        )
        for indicator in definitions.indicators
    ]
    con.execute(
        "CREATE OR REPLACE TABLE indicator_def (id VARCHAR, kind VARCHAR, weight DOUBLE, window_days INTEGER, "
        "min_count INTEGER, min_agencies INTEGER, second_pass BOOLEAN)"
    )
    values = ", ".join(
        f"({sql_text(i)}, {sql_text(kind)}, {weight!r}, {window}, {count}, {agencies}, {str(second).upper()})"
        for i, kind, weight, window, count, agencies, second in rows
    )
    con.execute(f"INSERT INTO indicator_def VALUES {values}")


def level_sql(definitions: Definitions, score: str) -> str:
    levels = definitions.levels
    return (
        f"CASE WHEN {score} >= {levels.significant!r} THEN '{Level.significant.value}' "
        f"WHEN {score} >= {levels.moderate!r} THEN '{Level.moderate.value}' "
        f"WHEN {score} >= {levels.emerging!r} THEN '{Level.emerging.value}' "
        f"ELSE '{Level.no_known_concern.value}' END"
    )


def score_points(
    con: duckdb.DuckDBPyConnection,
    definitions: Definitions,
    points: str,
    out: str,
    include_second_pass: bool,
) -> None:
    """Score every (subject_id, as_at) row of table `points` into `<out>_fired` (one row per
    indicator that fires) and `<out>` (score and level per point)."""
    scoring = definitions.file.scoring
    passes = "" if include_second_pass else "AND NOT d.second_pass"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out}_fired AS
        SELECT p.subject_id, p.as_at, c.indicator, d.kind, d.weight,
               count(DISTINCT (c.agency, c.source_id)) AS records,
               count(DISTINCT c.agency) AS agencies,
               list(DISTINCT c.agency) AS agency_list,
               max(c.evidence_at) AS latest
        FROM {points} p
        JOIN candidates c ON c.subject_id = p.subject_id
        JOIN indicator_def d ON d.id = c.indicator {passes}
        WHERE c.evidence_at <= p.as_at AND c.evidence_end >= p.as_at - d.window_days
        GROUP BY p.subject_id, p.as_at, c.indicator, d.kind, d.weight, d.min_count, d.min_agencies
        HAVING count(DISTINCT (c.agency, c.source_id)) >= d.min_count AND count(DISTINCT c.agency) >= d.min_agencies
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        WITH parts AS (
            SELECT p.subject_id, p.as_at,
                   coalesce(sum(f.weight) FILTER (WHERE f.kind = '{Kind.warning_sign.value}'), 0) AS signs,
                   coalesce(sum(f.weight) FILTER (WHERE f.kind = '{Kind.risk_factor.value}'), 0) AS risks,
                   coalesce(sum(f.weight) FILTER (WHERE f.kind = '{Kind.protective_factor.value}'), 0) AS protection,
                   coalesce(len(list_distinct(flatten(
                       list(f.agency_list) FILTER (WHERE f.kind = '{Kind.warning_sign.value}')))), 0) AS sign_agencies
            FROM {points} p LEFT JOIN {out}_fired f ON f.subject_id = p.subject_id AND f.as_at = p.as_at
            GROUP BY p.subject_id, p.as_at
        ),
        corroborated AS (
            SELECT *, CASE WHEN sign_agencies >= {scoring.corroboration_agencies}
                           THEN {scoring.corroboration_points!r} ELSE 0 END AS corroboration
            FROM parts
        )
        SELECT *, {level_sql(definitions, "score")} AS level FROM (
            SELECT *, greatest(signs + corroboration + least(risks, {scoring.risk_factor_cap!r})
                               - least(protection, {scoring.protective_cap!r}), 0) AS score
            FROM corroborated
        )
        """
    )


def first_moderate(
    con: duckdb.DuckDBPyConnection,
    definitions: Definitions,
    as_at: date,
    out: str,
    include_second_pass: bool,
) -> None:
    """`out(subject_id, first_moderate_at)`: for in-scope subjects, the earliest date on or
    before `as_at` on which their score reached moderate. Only subjects whose records could
    ever add up to moderate (every window ignored, protection ignored) are replayed."""
    scoring = definitions.file.scoring
    passes = "" if include_second_pass else "AND NOT d.second_pass"
    day = f"DATE '{as_at.isoformat()}'"
    con.execute(
        f"""
        CREATE OR REPLACE TABLE replay_points AS
        WITH usable AS (
            SELECT c.* FROM candidates c JOIN indicator_def d ON d.id = c.indicator {passes}
            WHERE c.evidence_at <= {day} AND c.subject_id IN (SELECT subject_id FROM in_scope)
        ),
        ever AS (
            SELECT u.subject_id, d.kind, d.weight
            FROM usable u JOIN indicator_def d ON d.id = u.indicator
            GROUP BY u.subject_id, u.indicator, d.kind, d.weight, d.min_count, d.min_agencies
            HAVING count(DISTINCT (u.agency, u.source_id)) >= d.min_count AND count(DISTINCT u.agency) >= d.min_agencies
        ),
        bound AS (
            SELECT subject_id,
                   coalesce(sum(weight) FILTER (WHERE kind = '{Kind.warning_sign.value}'), 0)
                   + least(coalesce(sum(weight) FILTER (WHERE kind = '{Kind.risk_factor.value}'), 0),
                           {scoring.risk_factor_cap!r})
                   + {scoring.corroboration_points!r} AS most
            FROM ever GROUP BY subject_id
        )
        SELECT DISTINCT subject_id, as_at FROM (
            SELECT u.subject_id, u.evidence_at AS as_at FROM usable u
            UNION ALL
            -- a protective factor leaving its window can raise the score with no new record
            SELECT u.subject_id, u.evidence_end + d.window_days + 1 AS as_at
            FROM usable u JOIN indicator_def d ON d.id = u.indicator
            WHERE d.kind = '{Kind.protective_factor.value}' AND u.evidence_end + d.window_days + 1 <= {day}
            UNION ALL
            SELECT subject_id, {day} AS as_at FROM usable
        ) JOIN bound b USING (subject_id)
        WHERE b.most >= {definitions.levels.moderate!r}
        """
    )
    score_points(con, definitions, "replay_points", "replay", include_second_pass)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT subject_id, min(as_at) AS first_moderate_at FROM replay
        WHERE score >= {definitions.levels.moderate!r} GROUP BY subject_id
        """
    )
