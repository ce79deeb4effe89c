"""The record views indicators are defined over: each record with the subject it belongs to and
the fields screening derives for it (declared in linewatch.screening.fields).

* Missing episodes: distance from the child's home district to where they were found, the area
  and local authority found in, a flagged place there, and the return home interview
  (matched by the police occurrence reference, else the subject's interview offered within ten
  days of the return), with whether it was completed within 72 hours.
* Attendance: the term's absence rate, its rise since the pupil's previous term, and the date
  the term's attendance is known (its last school day, estimated from the sessions possible).
* Police incidents: at a flagged place; a known exploiter (a line controller's subject) there;
  another child screened at moderate or above there (filled in by the second pass).
* Associations and intelligence: the associate is a known exploiter; the phone is a line,
  controller or runner number.
* Sightings: the destination station's area, its distance from home, whether a detected line
  deals into it.
* Line links: records that tie a subject to a deal-line or runner number.
"""

from __future__ import annotations

import duckdb

from linewatch.screening.inputs import scalar

KM = """
CREATE OR REPLACE MACRO km(lat1, lon1, lat2, lon2) AS
    2 * 6371.0 * asin(sqrt(
        pow(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2)))
"""

# A flagged place matches a record at the same UPRN; at the same postcode when either side has
# no UPRN; or within the place's radius of the record's coordinates.
PLACE_MATCH = """
    ((p.uprn IS NOT NULL AND {uprn} IS NOT NULL AND p.uprn = {uprn})
     OR (p.postcode IS NOT NULL AND {postcode} IS NOT NULL AND upper(p.postcode) = upper({postcode})
         AND (p.uprn IS NULL OR {uprn} IS NULL))
     OR (p.radius_m IS NOT NULL AND p.latitude IS NOT NULL AND {lat} IS NOT NULL
         AND km(p.latitude, p.longitude, {lat}, {lon}) * 1000 <= p.radius_m))
"""


def _subject_join(alias: str = "t") -> str:
    return f"LEFT JOIN t_subject_member m ON m.agency = {alias}.agency AND m.source_id = {alias}.person"


def build_views(con: duckdb.DuckDBPyConnection, tables: set[str]) -> None:
    """Create `rec_<table>` for every record table loaded (`t_<table>`), plus `rec_line_link`."""
    con.execute(KM)
    _known_exploiters(con)
    con.execute("CREATE TABLE IF NOT EXISTS peer_flags (subject_id VARCHAR, since DATE)")
    con.execute(
        """
        CREATE OR REPLACE TABLE line_phones AS
        SELECT DISTINCT number FROM t_line_members WHERE role IN ('line', 'controller', 'runner')
        UNION SELECT DISTINCT number FROM t_line_numbers
        """
    )
    builders = {
        "missing_episode": _missing_episode,
        "attendance": _attendance,
        "police_incident": _police_incident,
        "association": _association,
        "intelligence_log": _intelligence,
        "sighting": _sighting,
    }
    for table in sorted(tables - {"person"}):
        builder = builders.get(table)
        if builder is not None:
            builder(con)
        else:
            con.execute(
                f"CREATE OR REPLACE VIEW rec_{table} AS SELECT m.subject_id, t.* FROM t_{table} t {_subject_join()}"
            )
    if "association" in tables and "person" in tables:
        _line_links(con)


def _known_exploiters(con: duckdb.DuckDBPyConnection) -> None:
    """Subjects whose person records hold a number the lines capability named a controller."""
    con.execute(
        """
        CREATE OR REPLACE TABLE known_exploiters AS
        SELECT DISTINCT m.subject_id
        FROM t_line_people lp JOIN t_subject_member m ON m.agency = lp.agency AND m.source_id = lp.source_id
        WHERE lp.role = 'controller'
        """
    )


def _missing_episode(con: duckdb.DuckDBPyConnection) -> None:
    has_rhi = bool(
        scalar(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = 't_return_home_interview'")
    )
    rhi_source = (
        "SELECT r.*, m.subject_id FROM t_return_home_interview r "
        "LEFT JOIN t_subject_member m ON m.agency = r.agency AND m.source_id = r.person"
        if has_rhi
        else "SELECT NULL::VARCHAR AS subject_id, NULL::VARCHAR AS episode_reference, NULL::TIMESTAMP AS offered_at, "
        "NULL::TIMESTAMP AS completed_at, NULL::VARCHAR AS outcome, NULL::VARCHAR AS source_id, "
        "NULL::VARCHAR AS agency WHERE false"
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE rec_missing_episode AS
        WITH episode AS (
            SELECT m.subject_id, t.* FROM t_missing_episode t {_subject_join()}
        ),
        rhi AS ({rhi_source}),
        matched AS (
            -- the interview about this episode: by its police reference, else the subject's
            -- interview offered within ten days of the return; the best outcome wins
            SELECT e.agency, e.source_id, r.outcome, r.completed_at, r.offered_at,
                   row_number() OVER (
                       PARTITION BY e.agency, e.source_id
                       ORDER BY (r.episode_reference = e.source_id) DESC NULLS LAST,
                                CASE r.outcome WHEN 'completed' THEN 0 WHEN 'declined' THEN 1
                                     WHEN 'unable_to_contact' THEN 2 ELSE 3 END,
                                r.offered_at
                   ) AS k
            FROM episode e JOIN rhi r
              ON r.episode_reference = e.source_id
              OR (r.subject_id = e.subject_id AND e.returned_at IS NOT NULL
                  AND r.offered_at BETWEEN e.returned_at - INTERVAL 1 DAY AND e.returned_at + INTERVAL 10 DAY)
        )
        SELECT e.*,
               CAST(e.returned_at AS DATE) AS found_at,
               CAST(e.returned_at AS DATE) + 3 AS return_interview_due,
               fd.area AS found_area,
               round(km(h.home_latitude, h.home_longitude,
                        coalesce(e.found_latitude, fd.latitude), coalesce(e.found_longitude, fd.longitude)), 1)
                   AS found_distance_km,
               (h.local_authority <> 'unknown' AND fd.local_authority IS NOT NULL
                   AND fd.local_authority <> h.local_authority) AS found_other_local_authority,
               place.label IS NOT NULL AS found_at_flagged_place,
               place.label AS flagged_place,
               coalesce(x.outcome, 'none') AS return_interview,
               x.completed_at AS return_interview_completed_at,
               x.offered_at AS return_interview_offered_at,
               coalesce(x.completed_at <= e.returned_at + INTERVAL 72 HOUR, false) AS return_interview_within_72h
        FROM episode e
        LEFT JOIN subject_profile h ON h.subject_id = e.subject_id
        LEFT JOIN ref_district fd ON fd.district = upper(split_part(trim(e.found_postcode), ' ', 1))
        LEFT JOIN matched x ON x.agency = e.agency AND x.source_id = e.source_id AND x.k = 1
        LEFT JOIN (
            SELECT e2.agency, e2.source_id, arg_max(p.label, p.score) AS label
            FROM episode e2 JOIN t_places p ON {
            PLACE_MATCH.format(
                uprn="nullif(e2.found_uprn, '')",
                postcode="nullif(e2.found_postcode, '')",
                lat="e2.found_latitude",
                lon="e2.found_longitude",
            )
        }
            GROUP BY e2.agency, e2.source_id
        ) place ON place.agency = e.agency AND place.source_id = e.source_id
        """
    )


def _attendance(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TABLE rec_attendance AS
        WITH a AS (
            SELECT m.subject_id, t.*,
                   CASE WHEN t.sessions_possible > 0 THEN t.sessions_missed / t.sessions_possible END AS absence_rate,
                   -- two sessions a school day, five school days a week
                   CAST(t.term_start + CAST(round(t.sessions_possible / 2 * 7 / 5) AS INTEGER) AS DATE) AS known_at
            FROM t_attendance t {_subject_join()}
        )
        SELECT a.*,
               round(absence_rate - lag(absence_rate) OVER (PARTITION BY agency, person ORDER BY term_start), 4)
                   AS absence_rise
        FROM a
        """
    )


def _police_incident(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TABLE police_incident_base AS
        WITH i AS (SELECT m.subject_id, t.* FROM t_police_incident t {_subject_join()}),
        exploiter_at AS (
            SELECT DISTINCT i.agency, i.incident_reference FROM i JOIN known_exploiters k USING (subject_id)
        ),
        place AS (
            SELECT i2.agency, i2.source_id, arg_max(p.label, p.score) AS label
            FROM i i2 JOIN t_places p ON {
            PLACE_MATCH.format(uprn="NULL", postcode="nullif(i2.postcode, '')", lat="i2.latitude", lon="i2.longitude")
        }
            GROUP BY i2.agency, i2.source_id
        )
        SELECT i.*,
               (x.incident_reference IS NOT NULL
                   AND i.subject_id NOT IN (SELECT subject_id FROM known_exploiters)) IS TRUE AS with_known_exploiter,
               place.label IS NOT NULL AS at_flagged_place,
               place.label AS flagged_place
        FROM i
        LEFT JOIN exploiter_at x ON x.agency = i.agency AND x.incident_reference = i.incident_reference
        LEFT JOIN place ON place.agency = i.agency AND place.source_id = i.source_id
        """
    )
    # A view, so the second pass sees the peer flags once they are known.
    con.execute(
        """
        CREATE OR REPLACE VIEW rec_police_incident AS
        WITH peer AS (
            SELECT a.agency, a.source_id, min(greatest(CAST(b.occurred_at AS DATE), f.since)) AS since
            FROM police_incident_base a
            JOIN police_incident_base b
              ON b.agency = a.agency AND b.incident_reference = a.incident_reference AND b.subject_id <> a.subject_id
            JOIN peer_flags f ON f.subject_id = b.subject_id
            GROUP BY a.agency, a.source_id
        )
        SELECT i.*, peer.since IS NOT NULL AS with_child_at_risk, peer.since AS with_child_at_risk_since
        FROM police_incident_base i
        LEFT JOIN peer ON peer.agency = i.agency AND peer.source_id = i.source_id
        """
    )


def _association(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TABLE rec_association AS
        SELECT m.subject_id, t.*,
               (o.subject_id IN (SELECT subject_id FROM known_exploiters)) IS TRUE AS other_is_known_exploiter,
               (t.phone IN (SELECT number FROM line_phones)) IS TRUE AS phone_is_line_phone
        FROM t_association t {_subject_join()}
        LEFT JOIN t_subject_member o ON o.agency = t.agency AND o.source_id = t.other_person
        """
    )


def _intelligence(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        CREATE OR REPLACE TABLE rec_intelligence_log AS
        SELECT m.subject_id, t.*, (t.phone IN (SELECT number FROM line_phones)) IS TRUE AS phone_is_line_phone
        FROM t_intelligence_log t {_subject_join()}
        """
    )


def _sighting(con: duckdb.DuckDBPyConnection) -> None:
    # Station positions come from the sightings themselves (each row carries its station's).
    con.execute(
        f"""
        CREATE OR REPLACE TABLE rec_sighting AS
        WITH station AS (
            SELECT station_code, avg(latitude) AS latitude, avg(longitude) AS longitude
            FROM t_sighting WHERE station_code IS NOT NULL AND latitude IS NOT NULL GROUP BY station_code
        ),
        station_area AS (
            SELECT s.station_code, arg_min(d.area, km(s.latitude, s.longitude, d.latitude, d.longitude)) AS area,
                   min(km(s.latitude, s.longitude, d.latitude, d.longitude)) AS km_to_centre
            FROM station s CROSS JOIN ref_district d GROUP BY s.station_code
        ),
        s AS (SELECT m.subject_id, t.* FROM t_sighting t {_subject_join()})
        SELECT s.*,
               CASE WHEN a.km_to_centre <= 8 THEN a.area END AS destination_area,
               round(km(h.home_latitude, h.home_longitude, st.latitude, st.longitude), 1) AS destination_distance_km,
               (a.km_to_centre <= 8 AND a.area <> h.area
                   AND a.area IN (SELECT town FROM t_line_market)) IS TRUE AS to_line_market_town
        FROM s
        LEFT JOIN station st ON st.station_code = s.destination_station
        LEFT JOIN station_area a ON a.station_code = s.destination_station
        LEFT JOIN subject_profile h ON h.subject_id = s.subject_id
        """
    )


def _line_links(con: duckdb.DuckDBPyConnection) -> None:
    """Records tying a subject to a line or runner number: the phone association that named it
    (dated when observed), or the person record holding it (dated from the line's first use)."""
    con.execute(
        """
        CREATE OR REPLACE TABLE rec_line_link AS
        WITH line_start AS (
            SELECT line_id, min(CAST(first_seen AS TIMESTAMP))::DATE AS first_seen FROM t_line_numbers GROUP BY line_id
        ),
        summary AS (SELECT line_id, any_value(summary) AS line_summary FROM t_line_market GROUP BY line_id),
        links AS (
            SELECT lp.*, m.subject_id, ls.first_seen, sm.line_summary
            FROM t_line_people lp
            JOIN t_subject_member m ON m.agency = lp.agency AND m.source_id = lp.source_id
            LEFT JOIN line_start ls ON ls.line_id = lp.line_id
            LEFT JOIN summary sm ON sm.line_id = lp.line_id
        )
        SELECT l.subject_id, 'Association' AS record_schema, a.agency, a.source_id,
               l.role, l.line_id, l.number, l.line_summary, l.via,
               coalesce(a.observed_at, l.first_seen) AS linked_at
        FROM links l JOIN t_association a
          ON a.agency = l.agency AND a.person = l.source_id AND a.phone = l.number
        WHERE l.via = 'association.phone'
        UNION ALL
        SELECT l.subject_id, 'Person' AS record_schema, l.agency, l.source_id,
               l.role, l.line_id, l.number, l.line_summary, l.via, l.first_seen AS linked_at
        FROM links l WHERE l.via = 'person.phone'
        """
    )
