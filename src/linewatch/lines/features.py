"""Per number and week, the features that make a deal line stand out from ordinary phones and
from its look-alikes, as SQL steps over the call records (view `calls`).

Steps, each materialised once by the engine:
- `events` (a view): one row per record with epoch seconds, local (UK) day, hour and week.
- `pairs`: per caller, callee and week: counts of texts, answered and short calls, late contacts.
- `busy_slots`, `busy_texts`: ten-minute slots in which a number sent many texts, and those texts.
- `bursts`: per sender and week, the days with a flare burst (texts to many numbers in one slot).
- `number_weeks`: per number and week, every feature of score.yaml (see docs/lines.md).

Every step is plain SQL both DuckDB and Spark read the same way; the adapter supplies only the
timestamp-to-epoch conversion.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from linewatch.lines.engine import LinesEngine
from linewatch.lines.scoring import ScoreDefinition

# Local day numbers count from 1970-01-01; day 4 (1970-01-05) was a Monday, so weeks start on
# Mondays.
FIRST_MONDAY = 4
SECONDS_PER_DAY = 86_400


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def uk_offset_sql(epoch: str, first_year: int, last_year: int) -> str:
    """SQL for the UK clock offset (0 or 3600 s) of an epoch-seconds expression: British Summer
    Time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
    October. Plain integer comparisons, far cheaper than a time-zone library per record."""
    ranges = []
    for year in range(first_year, last_year + 1):
        start = datetime.combine(_last_sunday(year, 3), datetime.min.time(), UTC) + timedelta(hours=1)
        end = datetime.combine(_last_sunday(year, 10), datetime.min.time(), UTC) + timedelta(hours=1)
        ranges.append(f"({epoch} >= {int(start.timestamp())} AND {epoch} < {int(end.timestamp())})")
    if not ranges:
        return "0"
    return f"(CASE WHEN {' OR '.join(ranges)} THEN 3600 ELSE 0 END)"


def events_sql(engine: LinesEngine, definition: ScoreDefinition, first_year: int, last_year: int) -> str:
    epoch = engine.epoch_seconds("started_at")
    local = f"(t + {uk_offset_sql('t', first_year, last_year)})"
    days = definition.window_days
    return f"""
    SELECT a, b, t, d, is_sms, day,
           CAST(floor((day - {FIRST_MONDAY}) / {days}.0) AS BIGINT) AS w,
           CAST(floor((lt % {SECONDS_PER_DAY}) / 3600.0) AS INT) AS hour
    FROM (
        SELECT a, b, t, d, is_sms, lt, CAST(floor(lt / {SECONDS_PER_DAY}.0) AS BIGINT) AS day
        FROM (
            SELECT a, b, t, d, is_sms, {local} AS lt
            FROM (
                SELECT a_number AS a, b_number AS b, {epoch} AS t, duration_seconds AS d,
                       CASE WHEN event_type = 'sms' OR event_type = 'mms' THEN 1 ELSE 0 END AS is_sms
                FROM calls
            ) raw
        ) timed
    ) dated
    """


def pairs_sql(engine: LinesEngine, definition: ScoreDefinition) -> str:
    late_from, late_to = definition.late_hours
    late = (
        f"(hour >= {late_from} OR hour < {late_to})"
        if late_from > late_to
        else f"(hour >= {late_from} AND hour < {late_to})"
    )
    return f"""
    SELECT a, b, w,
           count(*) AS events,
           CAST(sum(is_sms) AS BIGINT) AS texts,
           CAST(sum(CASE WHEN is_sms = 0 AND d > 0 THEN 1 ELSE 0 END) AS BIGINT) AS answered_calls,
           CAST(sum(CASE WHEN is_sms = 0 AND d > 0 AND d <= {definition.short_call_seconds} THEN 1 ELSE 0 END)
                AS BIGINT) AS short_calls,
           CAST(sum(CASE WHEN {late} THEN 1 ELSE 0 END) AS BIGINT) AS late_events,
           bit_or({engine.bit(f"(day - {FIRST_MONDAY}) % {definition.window_days}")}) AS day_mask,
           min(t) AS first_t,
           max(t) AS last_t
    FROM events
    GROUP BY a, b, w
    """


def busy_slots_sql(definition: ScoreDefinition) -> str:
    """Slots in which a number sent at least the burst's number of texts: cheap to count, and
    few enough that counting distinct recipients in them (bursts_sql) costs little."""
    slot = definition.flare_bucket_minutes * 60
    return f"""
    SELECT a, CAST(floor(t / {slot}.0) AS BIGINT) AS slot
    FROM events
    WHERE is_sms = 1
    GROUP BY a, CAST(floor(t / {slot}.0) AS BIGINT)
    HAVING count(*) >= {definition.flare_min_texts}
    """


def busy_texts_sql(definition: ScoreDefinition) -> str:
    """The texts sent in busy slots (a small share of all records), kept for the bursts and for
    the flare lists of the line numbers."""
    slot = definition.flare_bucket_minutes * 60
    return f"""
    SELECT e.a, e.b, e.w, e.day, s.slot
    FROM events e
    JOIN busy_slots s ON s.a = e.a AND s.slot = CAST(floor(e.t / {slot}.0) AS BIGINT)
    WHERE e.is_sms = 1
    """


def bursts_sql(definition: ScoreDefinition) -> str:
    """Per sender and week, the days with a flare burst: a busy slot whose texts went to at
    least flare_min_texts distinct numbers (a group chat's repeated messages do not count)."""
    return f"""
    SELECT a, w, count(DISTINCT day) AS burst_days, count(*) AS burst_slots,
           CAST(sum(recipients) AS BIGINT) AS burst_texts
    FROM (
        SELECT a, w, day, slot, count(DISTINCT b) AS recipients
        FROM busy_texts
        GROUP BY a, w, day, slot
    ) slots
    WHERE recipients >= {definition.flare_min_texts}
    GROUP BY a, w
    """


def number_weeks_sql(window_days: int) -> str:
    """Every feature per number and week; flare response and retention only where the number
    flared (elsewhere they are 0), which keeps the self-joins small."""
    return """
    WITH sent AS (
        SELECT a AS n, w, count(*) AS distinct_outbound, CAST(sum(events) AS BIGINT) AS outbound,
               CAST(sum(texts) AS BIGINT) AS texts_sent, bit_count(bit_or(day_mask)) AS sent_days,
               min(first_t) AS first_t, max(last_t) AS last_t
        FROM pairs GROUP BY a, w
    ), received AS (
        SELECT b AS n, w, count(*) AS distinct_inbound, CAST(sum(events) AS BIGINT) AS inbound,
               CAST(sum(answered_calls) AS BIGINT) AS answered_calls, CAST(sum(short_calls) AS BIGINT) AS short_calls,
               CAST(sum(late_events) AS BIGINT) AS late_events, min(first_t) AS first_t, max(last_t) AS last_t
        FROM pairs GROUP BY b, w
    ), flaring AS (
        SELECT a AS n, w, burst_days FROM bursts
    ), recipients AS (
        SELECT o.a AS n, o.w, count(*) AS recipients,
               CAST(sum(CASE WHEN i.a IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS responders
        FROM pairs o
        JOIN flaring f ON f.n = o.a AND f.w = o.w
        LEFT JOIN pairs i ON i.a = o.b AND i.b = o.a AND i.w = o.w
        WHERE o.texts > 0
        GROUP BY o.a, o.w
    ), retained AS (
        SELECT cur.b AS n, cur.w, count(*) AS contacts,
               CAST(sum(CASE WHEN prev.a IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS seen_before
        FROM pairs cur
        JOIN flaring f ON f.n = cur.b AND f.w = cur.w
        LEFT JOIN pairs prev ON prev.a = cur.a AND prev.b = cur.b AND prev.w = cur.w - 1
        GROUP BY cur.b, cur.w
    ), lifetime AS (
        SELECT n, CAST(floor(min(first_t) / 86400.0) AS BIGINT) AS first_day,
               CAST(floor(max(last_t) / 86400.0) AS BIGINT) AS last_day
        FROM (SELECT n, first_t, last_t FROM sent UNION ALL SELECT n, first_t, last_t FROM received) ends
        GROUP BY n
    ), keys AS (
        SELECT n, w FROM sent UNION SELECT n, w FROM received
    )
    SELECT k.n AS number, k.w AS week,
           coalesce(s.outbound, 0) AS outbound,
           coalesce(r.inbound, 0) AS inbound,
           coalesce(s.distinct_outbound, 0) AS distinct_outbound,
           coalesce(r.distinct_inbound, 0) AS distinct_inbound,
           coalesce(s.sent_days, 0) AS sent_days,
           coalesce(f.burst_days, 0) AS burst_days,
           round(CAST(coalesce(f.burst_days, 0) AS DOUBLE) / greatest(1,
               least(lt.last_day, {first_monday} + (k.w + 1) * {days} - 1)
               - greatest(lt.first_day, {first_monday} + k.w * {days}) + 1
           ), 6) AS flare_days_share,
           round(CASE WHEN coalesce(rc.recipients, 0) = 0 THEN 0.0
                ELSE CAST(rc.responders AS DOUBLE) / rc.recipients END, 6) AS flare_response,
           round(CAST(coalesce(r.short_calls, 0) AS DOUBLE) / (coalesce(r.answered_calls, 0) + 3), 6)
               AS short_call_share,
           round(CAST(coalesce(r.late_events, 0) AS DOUBLE) / (coalesce(r.inbound, 0) + 3), 6) AS late_share,
           round(CASE WHEN coalesce(r.distinct_inbound, 0) = 0 THEN 0.0
                ELSE CAST(r.inbound AS DOUBLE) / r.distinct_inbound END, 6) AS inbound_repeat,
           round(CASE WHEN coalesce(rt.contacts, 0) = 0 THEN 0.0
                ELSE CAST(rt.seen_before AS DOUBLE) / rt.contacts END, 6) AS customer_retention
    FROM keys k
    LEFT JOIN sent s ON s.n = k.n AND s.w = k.w
    LEFT JOIN received r ON r.n = k.n AND r.w = k.w
    LEFT JOIN flaring f ON f.n = k.n AND f.w = k.w
    LEFT JOIN recipients rc ON rc.n = k.n AND rc.w = k.w
    LEFT JOIN retained rt ON rt.n = k.n AND rt.w = k.w
    LEFT JOIN lifetime lt ON lt.n = k.n
    """.replace("{first_monday}", str(FIRST_MONDAY)).replace("{days}", str(window_days))


def compute_features(engine: LinesEngine, definition: ScoreDefinition, first_year: int, last_year: int) -> None:
    """Materialise pairs, busy slots and texts, bursts and number_weeks (events is a view)."""
    engine.view("events", events_sql(engine, definition, first_year, last_year))
    engine.materialise("pairs", pairs_sql(engine, definition))
    engine.materialise("busy_slots", busy_slots_sql(definition))
    engine.materialise("busy_texts", busy_texts_sql(definition))
    engine.materialise("bursts", bursts_sql(definition))
    engine.materialise("number_weeks", number_weeks_sql(definition.window_days))
