-- tests/bench/phases.sql: the phases of one partc backfill CALL, from the
-- server log.  tests/bench/backfill.sh runs the CALL in a session with
-- log_min_messages = notice (partc's notices reach the log with their time)
-- and auto_explain logging every statement the procedure runs, nested ones
-- included (end time, duration, query text; utility statements such as
-- CREATE INDEX and ANALYZE are not logged, but the PERFORM that calls the
-- index function is).  psql variables: log (server log path), pid (the
-- session), t0, t1 (epoch seconds around the CALL).
WITH l AS (
    SELECT t.n, t.line
      FROM regexp_split_to_table(pg_read_file(:'log'), E'\n') WITH ORDINALITY AS t(line, n)
), h AS (
    SELECT l.n, l.line, regexp_match(l.line, '^(\S+ \S+) UTC \[(\d+)\] [A-Z]+:  (.*)$') AS m FROM l
), g AS (
    -- each entry of the log runs from its first line up to the next entry (a
    -- CONTEXT line is an entry of its own, without a duration)
    SELECT h.n, h.line, max(CASE WHEN h.m IS NOT NULL THEN h.n END) OVER (ORDER BY h.n) AS entry FROM h
), en AS (
    SELECT g.entry, string_agg(g.line, ' ' ORDER BY g.n) FILTER (WHERE g.n > g.entry) AS q
      FROM g WHERE g.entry IS NOT NULL GROUP BY g.entry
), ev AS (
    SELECT (h.m[1] || '+00')::timestamptz AS ts, h.m[3] AS msg,
           (regexp_match(h.m[3], '^duration: ([0-9.]+) ms'))[1]::numeric / 1000 AS dur, en.q
      FROM en JOIN h ON h.n = en.entry
     WHERE h.m[2]::int = :pid
       AND (h.m[1] || '+00')::timestamptz BETWEEN to_timestamp(:t0) - interval '1 s'
                                              AND to_timestamp(:t1) + interval '1 s'
), s AS (
    SELECT
      -- copy: from the CALL to the notice that the copy is over
      (SELECT extract(epoch FROM max(ts) - to_timestamp(:t0)) FROM ev WHERE msg LIKE 'partc:%copied:%') AS copy_s,
      (SELECT count(dur) FROM ev WHERE q LIKE '%ctid >=%') AS batches,
      (SELECT sum(dur) FROM ev WHERE q LIKE '%ctid >=%') AS insert_s,
      -- PERFORM <t>_backfill_indexes(true): the primary key and the indexes
      (SELECT sum(dur) FROM ev WHERE q LIKE '%_backfill_indexes(true)%') AS index_s,
      -- the sync log's replay (the copy's INSERTs read the log too)
      (SELECT coalesce(sum(dur), 0) FROM ev WHERE (q LIKE '%sync_log%' OR q LIKE '%v_done%') AND q NOT LIKE '%ctid >=%') AS replay_s,
      (SELECT sum(dur) FROM ev WHERE q LIKE '%count(*)%') AS verify_s,
      -- ANALYZE runs between the count and the update to phase 'done'
      (SELECT extract(epoch FROM (SELECT max(ts - dur * interval '1 s') FROM ev WHERE q LIKE '%UPDATE%phase = ''done''%')
                                 - (SELECT max(ts) FROM ev WHERE q LIKE '%count(*)%'))) AS analyze_s
)
SELECT format('copy %s s (%s batches; their INSERTs %s s), keys+indexes %s s, replay %s s, '
              'verify counts %s s, ANALYZE %s s, rest %s s',
              round(copy_s, 2), batches, round(insert_s, 2), round(index_s, 2), round(replay_s, 2),
              round(verify_s, 2), round(analyze_s, 2),
              round((:t1 - :t0) - copy_s - index_s - replay_s - verify_s - analyze_s, 2))
  FROM s;
