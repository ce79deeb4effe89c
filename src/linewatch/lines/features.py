"""Per number and week, the features that make a deal line stand out from ordinary phones and
from its look-alikes, as SQL steps over the call records (view `calls`).

Steps, in the order compute_features runs them. Only small results are stored: storing a table
the size of the records costs as much as computing it, so the one step that reads every record
for every number (`number_week_base`) folds its per-pair counts into per-number rows as they
stream, and everything about flares is worked out on the few records of the numbers that sent
many texts at once (`flare_events`).

- `events` (a view): one row per record with epoch seconds, local (UK) day, hour and week.
- `busy_slots` (one pass over the texts): ten-minute slots in which a number sent at least
  flare_min_texts texts. `busy_senders`: those numbers, the only ones that can flare.
- `flare_events` (one pass): the records of the busy senders, as caller or called: a few per
  cent of all records, and all that the flare features and the lines' details need.
- `busy_texts`, `bursts`: the texts sent in busy slots; per sender and week, the days with a
  flare burst (texts to many distinct numbers in one slot).
- `flare_pairs`: per caller, callee and week, the counts for pairs with a busy sender.
- `number_week_base` (one pass): per number and week, the counts over all records: per caller,
  callee and week first (for the distinct contacts), then folded into the caller's row and the
  callee's row.
- `number_weeks`: every feature of score.yaml (see docs/lines.md).

Every step is plain SQL both DuckDB and Spark read the same way; the adapter supplies only the
timestamp-to-epoch conversion and the bit mask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

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


def events_sql(
    engine: LinesEngine, definition: ScoreDefinition, first_year: int, last_year: int, calls: str = "calls"
) -> str:
    """One row per record of `calls` (a table, or a subquery with an alias) with the times the
    features use."""
    epoch = engine.epoch_seconds("started_at")
    local = f"(t + {uk_offset_sql('t', first_year, last_year)})"
    days = definition.window_days
    return f"""
    SELECT a, b, t, d, is_sms, day, imei, cell_id,
           CAST(floor((day - {FIRST_MONDAY}) / {days}.0) AS BIGINT) AS w,
           CAST(floor((lt % {SECONDS_PER_DAY}) / 3600.0) AS INT) AS hour
    FROM (
        SELECT a, b, t, d, is_sms, imei, cell_id, lt, CAST(floor(lt / {SECONDS_PER_DAY}.0) AS BIGINT) AS day
        FROM (
            SELECT a, b, t, d, is_sms, imei, cell_id, {local} AS lt
            FROM (
                SELECT a_number AS a, b_number AS b, {epoch} AS t, duration_seconds AS d, imei, cell_id,
                       CASE WHEN event_type = 'sms' OR event_type = 'mms' THEN 1 ELSE 0 END AS is_sms
                FROM {calls}
            ) raw
        ) timed
    ) dated
    """


def _late(definition: ScoreDefinition) -> str:
    late_from, late_to = definition.late_hours
    if late_from > late_to:
        return f"(hour >= {late_from} OR hour < {late_to})"
    return f"(hour >= {late_from} AND hour < {late_to})"


def _answered(definition: ScoreDefinition, short: bool) -> str:
    limit = f" AND d <= {definition.short_call_seconds}" if short else ""
    return f"count(*) FILTER (WHERE is_sms = 0 AND d > 0{limit})"


def day_bit_sql(engine: LinesEngine, definition: ScoreDefinition) -> str:
    """SQL for the bit of the record's day within its week (for masks of the days in use)."""
    return engine.bit(f"(day - {FIRST_MONDAY}) % {definition.window_days}")


def pairs_sql(engine: LinesEngine, definition: ScoreDefinition, source: str = "events") -> str:
    """Per caller, callee and week over `source`: every count the features and the lines'
    details use."""
    return f"""
    SELECT a, b, w,
           count(*) AS events,
           count(*) FILTER (WHERE is_sms = 1) AS texts,
           {_answered(definition, short=False)} AS answered_calls,
           {_answered(definition, short=True)} AS short_calls,
           count(*) FILTER (WHERE {_late(definition)}) AS late_events,
           bit_or({day_bit_sql(engine, definition)}) AS day_mask,
           min(t) AS first_t,
           max(t) AS last_t
    FROM {source}
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


def kept_calls_sql(numbers: str) -> str:
    """The call records with one of `numbers` (a table with column `number`) as caller or
    called, as a subquery to pass to events_sql: filtering the stored columns first spares
    working out the times of the records that are not kept."""
    return f"""(
        SELECT * FROM calls
        WHERE a_number IN (SELECT number FROM {numbers}) OR b_number IN (SELECT number FROM {numbers})
    ) kept"""


def busy_texts_sql(definition: ScoreDefinition) -> str:
    """The texts sent in busy slots (a small share of all records), kept for the bursts and for
    the flare lists of the line numbers."""
    slot = definition.flare_bucket_minutes * 60
    return f"""
    SELECT e.a, e.b, e.w, e.day, s.slot
    FROM flare_events e
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


def number_week_base_sql(engine: LinesEngine, definition: ScoreDefinition) -> str:
    """Per number and week, its counts as caller and as called over every record. Each pair's
    row is joined to the two rows of `sides` (0: seen from the caller, 1: from the called) and
    summed into both numbers' rows in the same streaming aggregation, so the pairs are never
    stored. Multiplying by the side picks what each end counts, cheaper than a CASE per value."""
    return f"""
    SELECT n AS number, w AS week,
           CAST(sum(events) - sum(in_events) AS BIGINT) AS outbound,
           CAST(sum(in_events) AS BIGINT) AS inbound,
           count(*) - CAST(sum(side) AS BIGINT) AS distinct_outbound,
           CAST(sum(side) AS BIGINT) AS distinct_inbound,
           bit_count(bit_or(out_mask)) AS sent_days,
           CAST(sum(answered_calls) AS BIGINT) AS answered_calls,
           CAST(sum(short_calls) AS BIGINT) AS short_calls,
           CAST(sum(late_events) AS BIGINT) AS late_events
    FROM (
        SELECT p.a + (p.b - p.a) * s.side AS n, p.w, s.side, p.events,
               p.events * s.side AS in_events,
               p.day_mask * (1 - s.side) AS out_mask,
               p.answered_calls * s.side AS answered_calls,
               p.short_calls * s.side AS short_calls,
               p.late_events * s.side AS late_events
        FROM (
            SELECT a, b, w, count(*) AS events,
                   {_answered(definition, short=False)} AS answered_calls,
                   {_answered(definition, short=True)} AS short_calls,
                   count(*) FILTER (WHERE {_late(definition)}) AS late_events,
                   bit_or({day_bit_sql(engine, definition)}) AS day_mask
            FROM events
            GROUP BY a, b, w
        ) p
        CROSS JOIN sides s
    ) folded
    GROUP BY n, w
    """


def number_weeks_sql(window_days: int) -> str:
    """Every feature per number and week; flare response, retention and the days in use only
    where the number flared (elsewhere they are 0 or do not matter), from flare_pairs, which
    holds every pair of every busy sender."""
    return """
    WITH flaring AS (
        SELECT a AS n, w, burst_days FROM bursts
    ), recipients AS (
        SELECT o.a AS n, o.w, count(*) AS recipients,
               CAST(sum(CASE WHEN i.a IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS responders
        FROM flare_pairs o
        JOIN flaring f ON f.n = o.a AND f.w = o.w
        LEFT JOIN flare_pairs i ON i.a = o.b AND i.b = o.a AND i.w = o.w
        WHERE o.texts > 0
        GROUP BY o.a, o.w
    ), retained AS (
        SELECT cur.b AS n, cur.w, count(*) AS contacts,
               CAST(sum(CASE WHEN prev.a IS NULL THEN 0 ELSE 1 END) AS BIGINT) AS seen_before
        FROM flare_pairs cur
        JOIN flaring f ON f.n = cur.b AND f.w = cur.w
        LEFT JOIN flare_pairs prev ON prev.a = cur.a AND prev.b = cur.b AND prev.w = cur.w - 1
        GROUP BY cur.b, cur.w
    ), lifetime AS (
        SELECT n, CAST(floor(min(first_t) / 86400.0) AS BIGINT) AS first_day,
               CAST(floor(max(last_t) / 86400.0) AS BIGINT) AS last_day
        FROM (SELECT a AS n, first_t, last_t FROM flare_pairs UNION ALL SELECT b, first_t, last_t FROM flare_pairs) ends
        WHERE n IN (SELECT n FROM flaring)
        GROUP BY n
    )
    SELECT k.number, k.week,
           k.outbound,
           k.inbound,
           k.distinct_outbound,
           k.distinct_inbound,
           k.sent_days,
           coalesce(f.burst_days, 0) AS burst_days,
           round(CASE WHEN f.burst_days IS NULL THEN 0.0 ELSE CAST(f.burst_days AS DOUBLE) / greatest(1,
               least(lt.last_day, {first_monday} + (k.week + 1) * {days} - 1)
               - greatest(lt.first_day, {first_monday} + k.week * {days}) + 1
           ) END, 6) AS flare_days_share,
           round(CASE WHEN coalesce(rc.recipients, 0) = 0 THEN 0.0
                ELSE CAST(rc.responders AS DOUBLE) / rc.recipients END, 6) AS flare_response,
           round(CAST(k.short_calls AS DOUBLE) / (k.answered_calls + 3), 6) AS short_call_share,
           round(CAST(k.late_events AS DOUBLE) / (k.inbound + 3), 6) AS late_share,
           round(CASE WHEN k.distinct_inbound = 0 THEN 0.0
                ELSE CAST(k.inbound AS DOUBLE) / k.distinct_inbound END, 6) AS inbound_repeat,
           round(CASE WHEN coalesce(rt.contacts, 0) = 0 THEN 0.0
                ELSE CAST(rt.seen_before AS DOUBLE) / rt.contacts END, 6) AS customer_retention
    FROM number_week_base k
    LEFT JOIN flaring f ON f.n = k.number AND f.w = k.week
    LEFT JOIN recipients rc ON rc.n = k.number AND rc.w = k.week
    LEFT JOIN retained rt ON rt.n = k.number AND rt.w = k.week
    LEFT JOIN lifetime lt ON lt.n = k.number
    """.replace("{first_monday}", str(FIRST_MONDAY)).replace("{days}", str(window_days))


SIDES = pa.table({"side": pa.array([0, 1], pa.int32())})


@dataclass(frozen=True, slots=True)
class FeatureSteps:
    """The SQL of the steps, for an engine, a score definition and the years the records span."""

    engine: LinesEngine
    definition: ScoreDefinition
    first_year: int
    last_year: int

    def events(self, calls: str = "calls") -> str:
        return events_sql(self.engine, self.definition, self.first_year, self.last_year, calls)

    def neighbourhood(self, numbers: str) -> str:
        """The events of the numbers in table `numbers`, as caller or called."""
        return self.events(kept_calls_sql(numbers))


def compute_features(engine: LinesEngine, definition: ScoreDefinition, first_year: int, last_year: int) -> FeatureSteps:
    """Materialise every step of the module docstring (events is a view)."""
    steps = FeatureSteps(engine, definition, first_year, last_year)
    engine.view("events", steps.events())
    engine.register_arrow("sides", SIDES)
    engine.materialise("busy_slots", busy_slots_sql(definition))
    engine.materialise("busy_senders", "SELECT DISTINCT a AS number FROM busy_slots")
    compute_neighbourhood(steps, "busy_senders")
    engine.materialise("busy_texts", busy_texts_sql(definition))
    engine.materialise("bursts", bursts_sql(definition))
    engine.materialise("number_week_base", number_week_base_sql(engine, definition))
    engine.materialise("number_weeks", number_weeks_sql(definition.window_days))
    return steps


def compute_neighbourhood(steps: FeatureSteps, numbers: str) -> None:
    """`flare_events` and `flare_pairs` for the numbers of table `numbers` (column `number`)."""
    steps.engine.materialise("flare_events", steps.neighbourhood(numbers))
    steps.engine.materialise("flare_pairs", pairs_sql(steps.engine, steps.definition, "flare_events"))
