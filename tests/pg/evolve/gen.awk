# gen.awk: a random life of one table, as spec versions.
#   awk -v seed=N -v versions=K -v dir=D -f gen.awk
# writes D/v1/t.yaml .. D/vK/t.yaml: version 1 is a new partitioned table,
# each later one is the one before with one to three random changes of the
# kinds partc writes (columns added at the end, dropped, a default set or
# dropped, NOT NULL set or dropped, a type widened, checks and indexes
# added or dropped; a foreign key to users added, dropped or changed; the
# default partition added or dropped;
# security (RLS, policies, grants); premake, naming, retention, health
# thresholds).  The same seed gives the same versions.
function pick(n) { return int(rand() * n) }
function colspec(i,    s) {
    s = "{ type: \"" ctype[i] "\""
    if (!cnull[i]) s = s ", nullable: false"
    if (cdef[i] != "") s = s ", default: \"" cdef[i] "\""
    return s " }"
}
function constant(t) {
    if (t == "integer") return pick(2) ? "0" : "42"
    if (t == "boolean") return pick(2) ? "true" : "false"
    return pick(2) ? "'x'" : "''"
}
function add_column(    t) {
    ncols++
    cname[ncols] = "c" (++serial)
    born[ncols] = v
    t = types[pick(4) + 1]
    ctype[ncols] = t
    cdef[ncols] = pick(2) ? constant(t) : ""
    cnull[ncols] = (cdef[ncols] == "" || pick(2)) ? 1 : 0
    return "add " cname[ncols]
}
# an index on one column no other index covers alone, at the end of the list
function add_index(    c, j, taken) {
    c = pick(ncols + 1) == 0 ? "created_at" : cname[pick(ncols) + 1]
    if (ncols == 0) c = "created_at"
    for (j = 1; j <= nidx; j++) if (icol[j] == c) return "index on " c " kept"
    nidx++
    icol[nidx] = c
    iwhere[nidx] = pick(3) == 0 ? c " IS NOT NULL" : ""
    return "index on " c
}
function drop_index(    j, k) {
    if (nidx == 0) return add_index()
    k = pick(nidx) + 1
    for (j = k; j < nidx; j++) { icol[j] = icol[j + 1]; iwhere[j] = iwhere[j + 1] }
    nidx--
    return "drop an index"
}
function drop_column(    j, c) {
    c = cname[ncols]
    chk[c] = ""
    for (j = 1; j <= nidx; j++) if (icol[j] == c) { drop_index_at(j); j-- }
    dropped = dropped " " c
    ncols--
    return "drop last column"
}
function drop_index_at(k,    j) {
    for (j = k; j < nidx; j++) { icol[j] = icol[j + 1]; iwhere[j] = iwhere[j + 1] }
    nidx--
}
# a check on a column, named after it; a column carries at most one
function toggle_check(    i, j) {
    i = pick(ncols) + 1
    if (chk[cname[i]] != "") { chk[cname[i]] = ""; return "drop check on " cname[i] }
    if (ctype[i] == "integer") chk[cname[i]] = cname[i] " >= 0"
    else if (ctype[i] == "boolean") chk[cname[i]] = cname[i] " IS NOT NULL OR true"
    else chk[cname[i]] = "length(" cname[i] ") < 1000"
    return "check on " cname[i]
}
# the foreign key of user_id: added, dropped, or its ON DELETE changed
function toggle_fk(    k) {
    k = pick(3)
    if (fk != "" && k == 0) { fk = ""; return "drop fk" }
    fk = fk == "cascade" ? (k == 1 ? "set null" : "no action") : fk == "" ? actions[k + 1] : "cascade"
    return "fk " fk
}
# security: RLS, a policy or two, grants
function security(    k) {
    k = pick(4)
    if (k == 0) { rls = !rls; return "rls " rls }
    if (k == 1) {
        if (pol1 == "") pol1 = pick(2) ? "created_at > '2000-01-01'" : "id > 0"
        else pol1 = ""
        return "policy p1"
    }
    if (k == 2) { pol2 = pol2 == "" ? "true" : ""; return "policy p2" }
    apiuser = apiuser == "" ? "select" : apiuser == "select" ? "select, insert" : ""
    return "grants"
}
function change(    k, i, w) {
    k = pick(17)
    if (k == 16) { dflt = !dflt; return "default partition " dflt }
    if (k == 15) return toggle_fk()
    if (k >= 12) return security()
    if (k == 11 && ncols > 0) return toggle_check()
    if (k == 0 || ncols == 0) return add_column()
    if (k == 1) return drop_column()
    if (k == 9) return add_index()
    if (k == 10) return drop_index()
    i = pick(ncols) + 1
    if (k == 2) { cdef[i] = cdef[i] == "" ? constant(ctype[i]) : ""; if (cdef[i] == "") cnull[i] = 1; return "default of " cname[i] }
    if (k == 3) {
        # NOT NULL is set on a column the version before had (a new one
        # cannot be NOT NULL without a default: the rows there have none)
        if (born[i] == v) return add_column()
        cnull[i] = !cnull[i]
        return (cnull[i] ? "null " : "not null ") cname[i]
    }
    if (k == 4) {
        if (ctype[i] == "varchar(10)") { ctype[i] = pick(2) ? "text" : "varchar(20)"; return "widen " cname[i] }
        return add_column()
    }
    if (k == 5) { premake = pick(5) + 1; return "premake" }
    if (k == 6) { naming = naming == "" ? "{table}_p{YYYY}{MM}" : ""; return "naming" }
    if (k == 7) {
        w = pick(3)
        if (w == 0) keep = ""
        else { keep = (pick(4) + 1) * 6 " months"; action = pick(2) ? "drop" : "detach" }
        return "retention"
    }
    warn = (pick(3) + 8) * 7 " days"
    return "warn_ahead"
}
function emit(v,    f, i) {
    f = dir "/v" v "/t.yaml"
    system("mkdir -p " dir "/v" v)
    print "version: 1" > f
    print "tables:" > f
    print "  users:" > f
    print "    strategy: none" > f
    print "    columns:" > f
    print "      id: { type: bigint, nullable: false }" > f
    print "    primary_key: [id]" > f
    print "  events:" > f
    print "    columns:" > f
    print "      id: { type: bigint, nullable: false }" > f
    print "      created_at: { type: timestamptz, nullable: false }" > f
    print "      user_id: { type: bigint }" > f
    for (i = 1; i <= ncols; i++) print "      " cname[i] ": " colspec(i) > f
    print "    primary_key: [id, created_at]" > f
    nchk = 0
    for (i = 1; i <= ncols; i++) if (chk[cname[i]] != "") nchk++
    if (nchk) print "    checks:" > f
    for (i = 1; i <= ncols; i++) if (chk[cname[i]] != "") print "      " cname[i] "_chk: \"" chk[cname[i]] "\"" > f
    if (nidx) print "    indexes:" > f
    for (i = 1; i <= nidx; i++)
        print "      - { columns: [" icol[i] "]" (iwhere[i] == "" ? "" : ", where: \"" iwhere[i] "\"") " }" > f
    if (fk != "") {
        print "    foreign_keys:" > f
        print "      - { columns: [user_id], references: { table: users, columns: [id] }, on_delete: " fk " }" > f
    }
    printf "    partition: { key: created_at, interval: monthly, start: 2026-06-01, premake: %d%s%s }\n", premake,
        naming == "" ? "" : ", naming: \"" naming "\"", dflt ? ", default_partition: true" : "" > f
    if (keep != "") print "    retention: { keep: " keep ", action: " action " }" > f
    if (rls || pol1 != "" || pol2 != "" || apiuser != "") {
        print "    security:" > f
        if (rls) print "      rls: true" > f
        if (pol1 != "" || pol2 != "") print "      policies:" > f
        if (pol1 != "") print "        p1: { command: select, roles: [authenticated], using: \"" pol1 "\" }" > f
        if (pol2 != "") print "        p2: { command: all, roles: [api_user], using: \"" pol2 "\", check: \"" pol2 "\" }" > f
        if (apiuser != "") print "      grants: { api_user: [" apiuser "] }" > f
    }
    if (warn != "") print "    maintenance: { warn_ahead: " warn " }" > f
    print "    lint:" > f
    print "      allow:" > f
    print "        maintenance-unscheduled: \"the test runs the maintenance\"" > f
    print "        fk-without-index: \"the test's tables stay small\"" > f
    if (dflt && keep != "") print "        default-partition-blocks-concurrent-detach: \"the test's partitions are empty\"" > f
    if (dropped != "") print "        drop-column: \"the test drops columns on purpose\"" > f
    close(f)
}
BEGIN {
    srand(seed)
    split("text integer varchar(10) boolean", types, " ")
    premake = 3; naming = ""; keep = ""; warn = ""; ncols = 0; serial = 0; dropped = ""; nidx = 0
    rls = 0; pol1 = ""; pol2 = ""; apiuser = ""
    split("cascade|set null|no action", actions, "|")
    fk = pick(2) ? "" : "cascade"
    dflt = 0
    v = 1
    n = pick(3)
    for (j = 0; j < n; j++) add_column()
    emit(1)
    for (v = 2; v <= versions; v++) {
        n = pick(3) + 1
        what = ""
        for (j = 0; j < n; j++) what = what (j ? ", " : "") change()
        print "v" v ": " what
        emit(v)
    }
}
