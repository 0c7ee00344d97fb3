#!/bin/sh
# tests/bench/gen_specs.sh N DIR: writes a spec set of N tables into DIR, for
# the scale benchmark (tests/bench/scale.sh).
#
# Layout: one file per 100 tables (DIR/domain_0000.yaml, domain_0001.yaml,
# ...; the last file may hold fewer).  100 tables (about 2,900 lines) is the
# size of a large hand-kept spec file, and with a fixed number of tables per
# file the number of files grows with N too (10 and 100 files for 1,000 and
# 10,000 tables; with 500 per file it would be 2 and 20), so a cost that
# grows with the files (a lookup per file, a per-file pass over every diag)
# shows in the 10,000 / 1,000 ratio as well as one that grows with the
# tables.
#
# Every file starts with two reference tables (tenants_G, users_G); the other
# 98 cycle through 20 kinds by their global index G (no randomness: the same
# N gives the same bytes):
#   0-2   events_G      monthly, retention drop, 2 indexes (one partial), FK
#                       to the file's tenants, RLS with policies and grants
#                       (kind 2 with its own naming pattern)
#   3-5   metrics_G     daily, retention drop, FK to users, grants
#   6-7   messages_G    weekly (ISO), retention detach (protect 3), a unique
#                       key with the partition key, FK to tenants; kind 6
#                       also has a default partition, which lint warns about
#                       (default-partition-blocks-concurrent-detach): 5% of
#                       the tables give a warning, printed with its excerpt
#   8-9   audit_G       monthly since 2025, retention archive
#   10    ledger_G      quarterly, FK to events_(G-8) (an earlier partitioned
#                       table, by its (id, created_at) key) and to tenants
#   11    facts_G       yearly on a date key, a check
#   12-13 sessions_G    strategy none, retention delete (TTL on expires_at)
#   14    clicks_G      strategy brin, retention delete
#   15    legacy_G      mode convert (monthly), migrate settings, lint.allow
#                       uniqueness-weakened (5% of the tables)
#   16    pings_G       hourly, retention drop
#   17    rollups_G     schema analytics, default partition, retention drop,
#                       FK to public tenants
#   18    readings_G    daily, FK to metrics_ of the previous file (across
#                       files; the first file: its own)
#   19    snapshots_G   monthly, no schedule (maintenance-unscheduled allowed
#                       by lint.allow), unique key, RLS
# All of it is valid: `partc lint` reports no error, only the warnings of
# kind 6 and the findings that lint.allow accepts.  The dates suit
# --as-of 2026-11-22 (what scale.sh passes): from a handful of partitions
# per table (yearly) to about 70 (hourly).
set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 2 ]; then
    echo "usage: gen_specs.sh N DIR" >&2
    exit 2
fi
N=$1
DIR=$2
case "$N" in
    ''|*[!0-9]*) echo "gen_specs: N must be a positive integer, not '$N'" >&2; exit 2 ;;
esac
[ "$N" -ge 1 ] || { echo "gen_specs: N must be at least 1" >&2; exit 2; }
mkdir -p "$DIR"

awk -v n="$N" -v dir="$DIR" '
function out(s) { print s > file }
function pad(g) { return sprintf("%05d", g) }

function refs(g, k) {
    if (k == 0) {
        out("  tenants_" pad(g) ":")
        out("    mode: reference")
        out("    columns:")
        out("      id:   { type: uuid, nullable: false }")
        out("      name: { type: text, nullable: false }")
        out("    primary_key: [id]")
    } else {
        out("  users_" pad(g) ":")
        out("    mode: reference")
        out("    columns:")
        out("      id:        { type: uuid, nullable: false }")
        out("      tenant_id: { type: uuid, nullable: false }")
        out("    primary_key: [id]")
    }
    out("")
}

function grants(g) {
    out("      grants:")
    out("        service_role: [select, insert, update, delete]")
    if (g % 3 == 0)
        out("        authenticated: [select]")
    if (g % 7 == 0)
        out("        reporting_" (g % 5) ": [select]")
}

function events(g, k, ten) {
    t = "events_" pad(g)
    out("  " t ":")
    out("    columns:")
    out("      id:         { type: bigint, identity: always }")
    out("      tenant_id:  { type: uuid, nullable: false }")
    out("      user_id:    { type: uuid }")
    out("      kind:       { type: text, nullable: false, default: \"'"'"'view'"'"'\" }")
    out("      payload:    { type: jsonb }")
    out("      amount:     { type: \"numeric(12,2)\", nullable: false, default: \"0\" }")
    out("      created_at: { type: timestamptz, nullable: false, default: \"now()\" }")
    out("    primary_key: [id, created_at]")
    out("    checks:")
    out("      chk_" t "_amount: \"amount >= 0\"")
    out("    partition:")
    out("      key: created_at")
    out("      interval: monthly")
    out("      start: 2025-12-01")
    out("      premake: " (3 + g % 3))
    if (k % 20 == 2)
        out("      naming: \"{table}_p{YYYY}{MM}\"")
    out("    indexes:")
    out("      - name: idx_" t "_tenant_created")
    out("        columns: [tenant_id, created_at]")
    out("      - columns: [user_id, created_at]")
    out("        where: \"user_id IS NOT NULL\"")
    out("    foreign_keys:")
    out("      - columns: [tenant_id]")
    out("        references: { table: " ten ", columns: [id] }")
    out("        on_delete: cascade")
    out("    retention:")
    out("      keep: " (6 + g % 7) " months")
    out("      action: drop")
    out("    maintenance:")
    out("      schedule: \"" (g % 60) " 3 * * *\"")
    out("    security:")
    out("      rls: true")
    out("      policies:")
    out("        " t "_tenant_read:")
    out("          command: select")
    out("          roles: [authenticated]")
    out("          using: \"tenant_id = current_setting('"'"'app.tenant_id'"'"', true)::uuid\"")
    out("        " t "_tenant_write:")
    out("          command: insert")
    out("          roles: [authenticated]")
    out("          check: \"tenant_id = current_setting('"'"'app.tenant_id'"'"', true)::uuid AND amount >= 0\"")
    grants(g)
}

function metrics(g, usr) {
    t = "metrics_" pad(g)
    out("  " t ":")
    out("    columns:")
    out("      id:          { type: bigint, identity: by_default }")
    out("      user_id:     { type: uuid, nullable: false }")
    out("      name:        { type: text, nullable: false }")
    out("      value:       { type: \"double precision\", nullable: false }")
    out("      recorded_at: { type: timestamptz, nullable: false }")
    out("    primary_key: [id, recorded_at]")
    out("    partition:")
    out("      key: recorded_at")
    out("      interval: daily")
    out("      start: 2026-11-01")
    out("    indexes:")
    out("      - columns: [user_id, recorded_at]")
    out("      - columns: [name, recorded_at]")
    out("    foreign_keys:")
    out("      - columns: [user_id]")
    out("        references: { table: " usr ", columns: [id] }")
    out("        on_delete: cascade")
    out("    retention:")
    out("      keep: " (14 + g % 30) " days")
    out("      action: drop")
    out("    maintenance:")
    out("      schedule: \"" (g % 60) " 2 * * *\"")
    out("    security:")
    grants(g)
}

function messages(g, k, ten) {
    t = "messages_" pad(g)
    out("  " t ":")
    out("    columns:")
    out("      id:              { type: bigint, identity: by_default }")
    out("      tenant_id:       { type: uuid, nullable: false }")
    out("      conversation_id: { type: uuid, nullable: false }")
    out("      body:            { type: text }")
    out("      created_at:      { type: timestamptz, nullable: false, default: \"now()\" }")
    out("    primary_key: [id, created_at]")
    out("    unique:")
    out("      - [conversation_id, id, created_at]")
    out("    partition:")
    out("      key: created_at")
    out("      interval: weekly")
    out("      start: 2026-06-01")
    out("      premake: " (4 + g % 4))
    if (k % 20 == 6)
        out("      default_partition: true")
    out("    indexes:")
    out("      - name: idx_" t "_tenant_created")
    out("        columns: [tenant_id, created_at]")
    out("    foreign_keys:")
    out("      - columns: [tenant_id]")
    out("        references: { table: " ten ", columns: [id] }")
    out("    retention:")
    out("      keep: " (8 + g % 9) " weeks")
    out("      action: detach")
    out("      protect: 3")
    out("    maintenance:")
    out("      schedule: \"0 3 * * 1\"")
    out("      warn_ahead: 7 days")
    out("      critical_ahead: 3 days")
}

function audit(g) {
    t = "audit_" pad(g)
    out("  " t ":")
    out("    columns:")
    out("      id:          { type: bigint, identity: always }")
    out("      entity_type: { type: text, nullable: false }")
    out("      entity_id:   { type: text, nullable: false }")
    out("      action:      { type: text, nullable: false }")
    out("      payload:     { type: jsonb }")
    out("      logged_at:   { type: timestamptz, nullable: false, default: \"now()\" }")
    out("    primary_key: [id, logged_at]")
    out("    partition:")
    out("      key: logged_at")
    out("      interval: monthly")
    out("      start: 2025-01-01")
    out("    indexes:")
    out("      - columns: [entity_type, entity_id]")
    out("      - name: idx_" t "_logged_brin")
    out("        columns: [logged_at]")
    out("        using: brin")
    out("    retention:")
    out("      keep: " (1 + g % 2) " years")
    out("      action: archive")
    out("      archive_schema: audit_archive")
    out("    maintenance:")
    out("      schedule: \"0 4 * * 1\"")
    out("    security:")
    out("      grants:")
    out("        service_role: [select, insert]")
}

function ledger(g, ten) {
    t = "ledger_" pad(g)
    ev = "events_" pad(g - 8)
    out("  " t ":")
    out("    columns:")
    out("      id:               { type: bigint, identity: always }")
    out("      tenant_id:        { type: uuid, nullable: false }")
    out("      event_id:         { type: bigint, nullable: false }")
    out("      event_created_at: { type: timestamptz, nullable: false }")
    out("      amount:           { type: \"numeric(14,2)\", nullable: false }")
    out("      booked_at:        { type: timestamptz, nullable: false }")
    out("    primary_key: [id, booked_at]")
    out("    partition:")
    out("      key: booked_at")
    out("      interval: quarterly")
    out("      start: 2025-01-01")
    out("      naming: \"{table}_{YYYY}_q{Q}\"")
    out("    indexes:")
    out("      - columns: [event_id, event_created_at]")
    out("      - columns: [tenant_id, booked_at]")
    out("    foreign_keys:")
    out("      - columns: [event_id, event_created_at]")
    out("        references: { table: " ev ", columns: [id, created_at] }")
    out("      - columns: [tenant_id]")
    out("        references: { table: " ten ", columns: [id] }")
    out("        on_delete: restrict")
    out("    maintenance:")
    out("      schedule: \"0 4 1 * *\"")
    out("      warn_ahead: 60 days")
    out("      critical_ahead: 30 days")
}

function facts(g) {
    t = "facts_" pad(g)
    out("  " t ":")
    out("    columns:")
    out("      fact_day: { type: date, nullable: false }")
    out("      site:     { type: text, nullable: false }")
    out("      hits:     { type: bigint, nullable: false, default: \"0\" }")
    out("    primary_key: [site, fact_day]")
    out("    checks:")
    out("      chk_" t "_hits: \"hits >= 0\"")
    out("    partition:")
    out("      key: fact_day")
    out("      interval: yearly")
    out("      start: 2023-01-01")
    out("      premake: 2")
    out("    maintenance:")
    out("      schedule: \"0 4 1 1 *\"")
    out("      warn_ahead: 300 days")
    out("      critical_ahead: 100 days")
}

function sessions(g, usr) {
    t = "sessions_" pad(g)
    out("  " t ":")
    out("    strategy: none")
    out("    columns:")
    out("      token:      { type: text, nullable: false }")
    out("      user_id:    { type: uuid, nullable: false }")
    out("      created_at: { type: timestamptz, nullable: false, default: \"now()\" }")
    out("      expires_at: { type: timestamptz, nullable: false }")
    out("    primary_key: [token]")
    out("    checks:")
    out("      chk_" t "_expiry: \"expires_at > created_at\"")
    out("    indexes:")
    out("      - columns: [expires_at]")
    out("      - columns: [user_id]")
    out("    foreign_keys:")
    out("      - columns: [user_id]")
    out("        references: { table: " usr ", columns: [id] }")
    out("        on_delete: cascade")
    out("    retention:")
    out("      keep: " (1 + g % 12) " hours")
    out("      action: delete")
    out("      column: expires_at")
    out("      batch_size: " (1000 * (1 + g % 10)))
    out("    maintenance:")
    out("      schedule: \"*/" (5 + g % 10) " * * * *\"")
    out("    security:")
    out("      grants:")
    out("        api_user: [select, insert, update, delete]")
}

function clicks(g) {
    t = "clicks_" pad(g)
    out("  " t ":")
    out("    strategy: brin")
    out("    columns:")
    out("      id:         { type: bigint, identity: always }")
    out("      page:       { type: text, nullable: false }")
    out("      clicked_at: { type: timestamptz, nullable: false, default: \"now()\" }")
    out("    primary_key: [id]")
    out("    partition:")
    out("      key: clicked_at")
    out("      interval: monthly")
    out("      start: 2026-01-01")
    out("    retention:")
    out("      keep: 90 days")
    out("      action: delete")
    out("      batch_size: 5000")
    out("    maintenance:")
    out("      schedule: \"*/10 * * * *\"")
}

function legacy(g, ten) {
    t = "legacy_" pad(g)
    out("  " t ":")
    out("    mode: convert")
    out("    columns:")
    out("      id:         { type: bigint, identity: always }")
    out("      tenant_id:  { type: uuid, nullable: false }")
    out("      status:     { type: text, nullable: false, default: \"'"'"'new'"'"'\" }")
    out("      created_at: { type: timestamptz, nullable: false, default: \"now()\" }")
    out("    primary_key: [id]")
    out("    partition:")
    out("      key: created_at")
    out("      interval: monthly")
    out("      start: 2025-06-01")
    out("      naming: \"" t "_y{YYYY}m{MM}\"")
    out("    indexes:")
    out("      - name: idx_" t "_tenant_status")
    out("        columns: [tenant_id, status]")
    out("    foreign_keys:")
    out("      - columns: [tenant_id]")
    out("        references: { table: " ten ", columns: [id] }")
    out("        on_delete: cascade")
    out("    retention:")
    out("      keep: 1 year")
    out("      action: detach")
    out("      protect: 2")
    out("    maintenance:")
    out("      schedule: \"0 3 * * 1\"")
    out("    security:")
    out("      rls: true")
    out("      policies:")
    out("        tenant_isolation:")
    out("          roles: [authenticated]")
    out("          using: \"tenant_id = current_setting('"'"'app.tenant_id'"'"', true)::uuid\"")
    out("      grants:")
    out("        authenticated: [select, insert, update, delete]")
    out("    migrate: { shadow_suffix: _partitioned, old_suffix: _old, keep_old: " (2 + g % 6) " days, batch_size: " (5000 * (1 + g % 4)) " }")
    out("    lint:")
    out("      allow:")
    out("        uniqueness-weakened: >-")
    out("          The key becomes (id, created_at), as PostgreSQL requires; ids are GENERATED")
    out("          ALWAYS from the identity, which the conversion carries over.")
}

function pings(g) {
    t = "pings_" pad(g)
    out("  " t ":")
    out("    columns:")
    out("      device_id: { type: uuid, nullable: false }")
    out("      rtt_ms:    { type: integer, nullable: false }")
    out("      seen_at:   { type: timestamptz, nullable: false }")
    out("    primary_key: [device_id, seen_at]")
    out("    partition:")
    out("      key: seen_at")
    out("      interval: hourly")
    out("      start: 2026-11-21")
    out("    retention:")
    out("      keep: 2 days")
    out("      action: drop")
    out("    maintenance:")
    out("      schedule: \"" (g % 60) " * * * *\"")
}

function rollups(g, ten) {
    t = "rollups_" pad(g)
    out("  " t ":")
    out("    schema: analytics")
    out("    columns:")
    out("      tenant_id:  { type: uuid, nullable: false }")
    out("      metric:     { type: text, nullable: false }")
    out("      total:      { type: bigint, nullable: false, default: \"0\" }")
    out("      period:     { type: timestamptz, nullable: false }")
    out("    primary_key: [tenant_id, metric, period]")
    out("    partition:")
    out("      key: period")
    out("      interval: monthly")
    out("      start: 2025-12-01")
    out("      default_partition: true")
    out("    foreign_keys:")
    out("      - columns: [tenant_id]")
    out("        references: { table: public." ten ", columns: [id] }")
    out("    retention:")
    out("      keep: 12 months")
    out("      action: drop")
    out("    maintenance:")
    out("      schedule: \"0 5 * * *\"")
    out("    security:")
    out("      grants:")
    out("        analyst: [select]")
}

function readings(g, f) {
    t = "readings_" pad(g)
    m = "metrics_" pad(f > 0 ? g - 115 : g - 15)
    out("  " t ":")
    out("    columns:")
    out("      id:                 { type: bigint, identity: always }")
    out("      metric_id:          { type: bigint, nullable: false }")
    out("      metric_recorded_at: { type: timestamptz, nullable: false }")
    out("      reading:            { type: \"double precision\" }")
    out("      read_at:            { type: timestamptz, nullable: false }")
    out("    primary_key: [id, read_at]")
    out("    partition:")
    out("      key: read_at")
    out("      interval: daily")
    out("      start: 2026-11-10")
    out("      premake: 10")
    out("      naming: \"{table}_d{YYYY}{MM}{DD}\"")
    out("    indexes:")
    out("      - columns: [metric_id, metric_recorded_at]")
    out("    foreign_keys:")
    out("      - columns: [metric_id, metric_recorded_at]")
    out("        references: { table: " m ", columns: [id, recorded_at] }")
    out("        on_delete: cascade")
    out("    retention:")
    out("      keep: 10 days")
    out("      action: drop")
    out("      protect: 3")
    out("    maintenance:")
    out("      schedule: \"15 0 * * *\"")
}

function snapshots(g) {
    t = "snapshots_" pad(g)
    out("  " t ":")
    out("    columns:")
    out("      id:         { type: bigint, identity: always }")
    out("      owner_id:   { type: uuid, nullable: false }")
    out("      label:      { type: \"varchar(200)\", nullable: false }")
    out("      taken_at:   { type: timestamptz, nullable: false }")
    out("    primary_key: [id, taken_at]")
    out("    unique:")
    out("      - [owner_id, label, taken_at]")
    out("    partition:")
    out("      key: taken_at")
    out("      interval: monthly")
    out("      start: 2026-03-01")
    out("      premake: 4")
    out("    security:")
    out("      rls: true")
    out("      policies:")
    out("        " t "_owner:")
    out("          command: all")
    out("          roles: [authenticated, service_role]")
    out("          using: \"owner_id = current_setting('"'"'app.user_id'"'"', true)::uuid\"")
    out("    lint:")
    out("      allow:")
    out("        maintenance-unscheduled: \"the ops scheduler calls partc.maintain() every night\"")
}

BEGIN {
    nfiles = int((n + 99) / 100)
    for (f = 0; f < nfiles; f++) {
        file = sprintf("%s/domain_%04d.yaml", dir, f)
        out("# generated by tests/bench/gen_specs.sh: tables " f * 100 " to " (f * 100 + 99 < n ? f * 100 + 99 : n - 1) " of " n)
        out("version: 1")
        out("")
        if (f == 0) {
            out("settings:")
            out("  postgres: 15")
            out("  lock_timeout: 2s")
            out("")
        }
        out("tables:")
        ten = "tenants_" pad(f * 100)
        usr = "users_" pad(f * 100 + 1)
        for (k = 0; k < 100; k++) {
            g = f * 100 + k
            if (g >= n)
                break
            if (k < 2) {
                refs(g, k)
                continue
            }
            kind = k % 20
            if (kind <= 2) events(g, k, ten)
            else if (kind <= 5) metrics(g, usr)
            else if (kind <= 7) messages(g, k, ten)
            else if (kind <= 9) audit(g)
            else if (kind == 10) ledger(g, ten)
            else if (kind == 11) facts(g)
            else if (kind <= 13) sessions(g, usr)
            else if (kind == 14) clicks(g)
            else if (kind == 15) legacy(g, ten)
            else if (kind == 16) pings(g)
            else if (kind == 17) rollups(g, ten)
            else if (kind == 18) readings(g, f)
            else snapshots(g)
            out("")
        }
        close(file)
    }
}'
