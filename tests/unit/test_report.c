/* Unit tests for report: the four formats of report_findings, each checked
 * byte for byte on one hand-built set of findings (a file-level error with
 * no line and no hint, a warning whose message holds quotes, a backslash, a
 * newline, a comma, a colon and a percent sign, a finding accepted through
 * lint.allow, a validation error in a file whose name needs escaping); the
 * json and sarif documents are also run through a small JSON parser. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "report.h"
#include "strbuf.h"
#include "t.h"

/* ---- a strict JSON checker (RFC 8259): enough to prove the documents
 * parse; values are skipped, not built. */

typedef struct jp {
    const char *p;
    int depth;
} jp;

static void jp_ws(jp *j)
{
    while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
        j->p++;
}

static bool jp_value(jp *j);

static bool jp_string(jp *j)
{
    if (*j->p != '"')
        return false;
    j->p++;
    for (;;) {
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            return true;
        }
        if (c < 0x20) /* the end of the text, or a raw control byte */
            return false;
        if (c == '\\') {
            j->p++;
            if (*j->p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", j->p[i]) || !j->p[i])
                        return false;
                j->p += 5;
                continue;
            }
            if (!*j->p || !strchr("\"\\/bfnrt", *j->p))
                return false;
        }
        j->p++;
    }
}

static bool jp_number(jp *j)
{
    const char *s = j->p;
    if (*j->p == '-')
        j->p++;
    if (*j->p == '0')
        j->p++;
    else if (*j->p >= '1' && *j->p <= '9')
        while (*j->p >= '0' && *j->p <= '9')
            j->p++;
    else
        return false;
    if (*j->p == '.') {
        j->p++;
        if (!(*j->p >= '0' && *j->p <= '9'))
            return false;
        while (*j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (*j->p == 'e' || *j->p == 'E') {
        j->p++;
        if (*j->p == '+' || *j->p == '-')
            j->p++;
        if (!(*j->p >= '0' && *j->p <= '9'))
            return false;
        while (*j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    return j->p > s;
}

static bool jp_container(jp *j, char close, bool object)
{
    if (++j->depth > 64)
        return false;
    j->p++;
    jp_ws(j);
    if (*j->p == close) {
        j->p++;
        j->depth--;
        return true;
    }
    for (;;) {
        jp_ws(j);
        if (object) {
            if (!jp_string(j))
                return false;
            jp_ws(j);
            if (*j->p != ':')
                return false;
            j->p++;
        }
        if (!jp_value(j))
            return false;
        jp_ws(j);
        if (*j->p == ',') {
            j->p++;
            continue;
        }
        if (*j->p != close)
            return false;
        j->p++;
        j->depth--;
        return true;
    }
}

static bool jp_value(jp *j)
{
    jp_ws(j);
    switch (*j->p) {
    case '{': return jp_container(j, '}', true);
    case '[': return jp_container(j, ']', false);
    case '"': return jp_string(j);
    case 't': return strncmp(j->p, "true", 4) == 0 ? (j->p += 4, true) : false;
    case 'f': return strncmp(j->p, "false", 5) == 0 ? (j->p += 5, true) : false;
    case 'n': return strncmp(j->p, "null", 4) == 0 ? (j->p += 4, true) : false;
    default: return jp_number(j);
    }
}

/* One complete JSON document and nothing after it but white space. */
static bool json_parses(const char *s)
{
    jp j = {s, 0};
    if (!jp_value(&j))
        return false;
    jp_ws(&j);
    return *j.p == '\0';
}

TEST(report_json_checker_self_test)
{
    T_CHECK(json_parses("{\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\"], \"b\": {}}\n"));
    T_CHECK(!json_parses("{\"a\": 1,}"));
    T_CHECK(!json_parses("{\"a\": \"line\nbreak\"}"));
    T_CHECK(!json_parses("{\"a\": \"\\x\"}"));
    T_CHECK(!json_parses("[01]"));
    T_CHECK(!json_parses("{} {}"));
    T_CHECK(!json_parses("{\"a\" 1}"));
}

/* ---- fixtures */

static const char SPEC_A[] =
    "version: 1\n"
    "tables:\n"
    "  jobs:\n"
    "    retention: { keep: 30 days }\n";

typedef struct rf {
    arena *a;
    diags d;
    srcset files;
} rf;

/* No findings and no files. */
static void rf_empty(rf *f)
{
    f->a = arena_new();
    diags_init(&f->d, f->a);
    memset(&f->files, 0, sizeof f->files);
    f->files.a = f->a;
}

/* The findings of the tests, added out of order and sorted as main does. */
static void rf_init(rf *f)
{
    rf_empty(f);
    srcset_add(&f->files, srcfile_from_bytes(f->a, "a.yaml", SPEC_A, strlen(SPEC_A)));
    diag_add(&f->d, SEV_ERROR, "unknown-column", (srcloc){"specs/b,c d:e.yaml", 2, 9},
             "use one of: id", "no column 'z'");
    diag *g = diag_add(&f->d, SEV_ERROR, "retention-unprotected", (srcloc){"a.yaml", 4, 5},
                       "set retention.protect to 2 or more", "retention may drop the current partition");
    g->suppressed = true;
    g->reason = arena_strdup(f->a, "archived \"nightly\"");
    diag_add(&f->d, SEV_WARNING, "fk-without-index", (srcloc){"a.yaml", 3, 3},
             "index \"x\", then: 100%", "column \"a\\b\" of 'jobs',\nnext: 50%% done");
    diag_add(&f->d, SEV_ERROR, "yaml-syntax", (srcloc){"a.yaml", 0, 0}, NULL,
             "document is not a mapping");
    diags_sort(&f->d);
}

static void rf_free(rf *f)
{
    arena_free(f->a);
}

/* What report_findings prints, as a string to free(). */
static char *render(const rf *f, report_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) {
        t_fail(__FILE__, __LINE__, "open_memstream failed");
        return NULL;
    }
    report_findings(m, &f->d, &f->files, fmt, "9.8.7");
    fclose(m);
    return buf;
}

/* T_STREQ, but on a mismatch shows where the texts part. */
static void streq_at(const char *got, const char *want, const char *file, int line)
{
    if (got && want && strcmp(got, want) == 0)
        return;
    if (!got || !want) {
        t_fail(file, line, "got %s", got ? "text" : "(null)");
        return;
    }
    size_t i = 0;
    while (got[i] && got[i] == want[i])
        i++;
    size_t from = i > 60 ? i - 60 : 0;
    t_fail(file, line, "texts differ at byte %zu\n--- got:\n%.*s[HERE]%.80s\n--- want:\n%.*s[HERE]%.80s", i,
           (int)(i - from), got + from, got + i, (int)(i - from), want + from, want + i);
}
#define STREQ(got, want) streq_at(got, want, __FILE__, __LINE__)

static const char WANT_TEXT[] =
    "a.yaml: error: document is not a mapping [yaml-syntax]\n"
    "a.yaml:3:3: warning: column \"a\\b\" of 'jobs',?next: 50% done [fk-without-index]\n"
    "      jobs:\n"
    "      ^\n"
    "  hint: index \"x\", then: 100%\n"
    "specs/b,c d:e.yaml:2:9: error: no column 'z' [unknown-column]\n"
    "  hint: use one of: id\n"
    "2 errors, 1 warning, 1 allowed\n";

static const char WANT_JSON[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"tool\": {\n"
    "    \"name\": \"partc\",\n"
    "    \"version\": \"9.8.7\"\n"
    "  },\n"
    "  \"summary\": {\n"
    "    \"errors\": 2,\n"
    "    \"warnings\": 1,\n"
    "    \"suppressed\": 1\n"
    "  },\n"
    "  \"findings\": [\n"
    "    {\n"
    "      \"rule\": \"yaml-syntax\",\n"
    "      \"severity\": \"error\",\n"
    "      \"file\": \"a.yaml\",\n"
    "      \"line\": 0,\n"
    "      \"column\": 0,\n"
    "      \"message\": \"document is not a mapping\",\n"
    "      \"hint\": null,\n"
    "      \"suppressed\": false\n"
    "    },\n"
    "    {\n"
    "      \"rule\": \"fk-without-index\",\n"
    "      \"severity\": \"warning\",\n"
    "      \"file\": \"a.yaml\",\n"
    "      \"line\": 3,\n"
    "      \"column\": 3,\n"
    "      \"message\": \"column \\\"a\\\\b\\\" of 'jobs',\\nnext: 50% done\",\n"
    "      \"hint\": \"index \\\"x\\\", then: 100%\",\n"
    "      \"suppressed\": false\n"
    "    },\n"
    "    {\n"
    "      \"rule\": \"retention-unprotected\",\n"
    "      \"severity\": \"error\",\n"
    "      \"file\": \"a.yaml\",\n"
    "      \"line\": 4,\n"
    "      \"column\": 5,\n"
    "      \"message\": \"retention may drop the current partition\",\n"
    "      \"hint\": \"set retention.protect to 2 or more\",\n"
    "      \"suppressed\": true,\n"
    "      \"reason\": \"archived \\\"nightly\\\"\"\n"
    "    },\n"
    "    {\n"
    "      \"rule\": \"unknown-column\",\n"
    "      \"severity\": \"error\",\n"
    "      \"file\": \"specs/b,c d:e.yaml\",\n"
    "      \"line\": 2,\n"
    "      \"column\": 9,\n"
    "      \"message\": \"no column 'z'\",\n"
    "      \"hint\": \"use one of: id\",\n"
    "      \"suppressed\": false\n"
    "    }\n"
    "  ]\n"
    "}\n";

static const char WANT_GITHUB[] =
    "::error file=a.yaml,title=yaml-syntax::document is not a mapping\n"
    "::warning file=a.yaml,line=3,col=3,title=fk-without-index::column \"a\\b\" of 'jobs',%0Anext: 50%25 done (hint: index \"x\", then: 100%25)\n"
    "::error file=specs/b%2Cc d%3Ae.yaml,line=2,col=9,title=unknown-column::no column 'z' (hint: use one of: id)\n"
    "2 errors, 1 warning, 1 allowed\n";

static const char WANT_SARIF_HEAD[] =
    "{\n"
    "  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
    "  \"version\": \"2.1.0\",\n"
    "  \"runs\": [\n"
    "    {\n"
    "      \"tool\": {\n"
    "        \"driver\": {\n"
    "          \"name\": \"partc\",\n"
    "          \"version\": \"9.8.7\",\n"
    "          \"rules\": [";

static const char WANT_SARIF_TAIL[] =
    "      \"columnKind\": \"unicodeCodePoints\",\n"
    "      \"results\": [\n"
    "        {\n"
    "          \"ruleId\": \"yaml-syntax\",\n"
    "          \"level\": \"error\",\n"
    "          \"message\": {\n"
    "            \"text\": \"document is not a mapping\"\n"
    "          },\n"
    "          \"locations\": [\n"
    "            {\n"
    "              \"physicalLocation\": {\n"
    "                \"artifactLocation\": {\n"
    "                  \"uri\": \"a.yaml\"\n"
    "                }\n"
    "              }\n"
    "            }\n"
    "          ]\n"
    "        },\n"
    "        {\n"
    "          \"ruleId\": \"fk-without-index\",\n"
    "          \"ruleIndex\": @FK@,\n"
    "          \"level\": \"warning\",\n"
    "          \"message\": {\n"
    "            \"text\": \"column \\\"a\\\\b\\\" of 'jobs',\\nnext: 50% done (hint: index \\\"x\\\", then: 100%)\"\n"
    "          },\n"
    "          \"locations\": [\n"
    "            {\n"
    "              \"physicalLocation\": {\n"
    "                \"artifactLocation\": {\n"
    "                  \"uri\": \"a.yaml\"\n"
    "                },\n"
    "                \"region\": {\n"
    "                  \"startLine\": 3,\n"
    "                  \"startColumn\": 3\n"
    "                }\n"
    "              }\n"
    "            }\n"
    "          ]\n"
    "        },\n"
    "        {\n"
    "          \"ruleId\": \"retention-unprotected\",\n"
    "          \"ruleIndex\": @RU@,\n"
    "          \"level\": \"error\",\n"
    "          \"message\": {\n"
    "            \"text\": \"retention may drop the current partition (hint: set retention.protect to 2 or more)\"\n"
    "          },\n"
    "          \"locations\": [\n"
    "            {\n"
    "              \"physicalLocation\": {\n"
    "                \"artifactLocation\": {\n"
    "                  \"uri\": \"a.yaml\"\n"
    "                },\n"
    "                \"region\": {\n"
    "                  \"startLine\": 4,\n"
    "                  \"startColumn\": 5\n"
    "                }\n"
    "              }\n"
    "            }\n"
    "          ],\n"
    "          \"suppressions\": [\n"
    "            {\n"
    "              \"kind\": \"inSource\",\n"
    "              \"justification\": \"archived \\\"nightly\\\"\"\n"
    "            }\n"
    "          ]\n"
    "        },\n"
    "        {\n"
    "          \"ruleId\": \"unknown-column\",\n"
    "          \"level\": \"error\",\n"
    "          \"message\": {\n"
    "            \"text\": \"no column 'z' (hint: use one of: id)\"\n"
    "          },\n"
    "          \"locations\": [\n"
    "            {\n"
    "              \"physicalLocation\": {\n"
    "                \"artifactLocation\": {\n"
    "                  \"uri\": \"specs/b%2Cc%20d%3Ae.yaml\"\n"
    "                },\n"
    "                \"region\": {\n"
    "                  \"startLine\": 2,\n"
    "                  \"startColumn\": 9\n"
    "                }\n"
    "              }\n"
    "            }\n"
    "          ]\n"
    "        }\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n";

/* ---- the formats on the fixture */

TEST(report_format_parse)
{
    static const struct {
        const char *s;
        report_format f;
    } ok[] = {{"text", FORMAT_TEXT}, {"json", FORMAT_JSON}, {"sarif", FORMAT_SARIF}, {"github", FORMAT_GITHUB}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        report_format f = FORMAT_TEXT;
        T_INTEQ(report_format_parse(ok[i].s, &f), 0);
        T_INTEQ(f, ok[i].f);
    }
    static const char *bad[] = {"", "TEXT", "Json", "sarif2", "markdown", "git", " text"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        report_format f = FORMAT_GITHUB;
        T_INTEQ(report_format_parse(bad[i], &f), -1);
        T_INTEQ(f, FORMAT_GITHUB); /* untouched */
    }
    report_format f = FORMAT_JSON;
    T_INTEQ(report_format_parse(NULL, &f), -1);
    T_INTEQ(f, FORMAT_JSON);
}

TEST(report_text)
{
    rf f;
    rf_init(&f);
    char *got = render(&f, FORMAT_TEXT);
    STREQ(got, WANT_TEXT);
    /* report_lint is the text format */
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    report_lint(m, &f.d, &f.files);
    fclose(m);
    STREQ(buf, WANT_TEXT);
    free(buf);
    free(got);
    rf_free(&f);
}

TEST(report_json)
{
    rf f;
    rf_init(&f);
    char *got = render(&f, FORMAT_JSON);
    STREQ(got, WANT_JSON);
    T_CHECK(got && json_parses(got));
    free(got);
    rf_free(&f);
}

TEST(report_github)
{
    rf f;
    rf_init(&f);
    char *got = render(&f, FORMAT_GITHUB);
    STREQ(got, WANT_GITHUB);
    free(got);
    rf_free(&f);
}

/* text with every "@KEY@" replaced (keys and values in pairs, NULL-ended) */
static char *replace(const char *text, ...)
{
    strbuf sb = STRBUF_INIT;
    sb_puts(&sb, text);
    va_list ap;
    va_start(ap, text);
    const char *key;
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);
        strbuf out = STRBUF_INIT;
        const char *p = sb_str(&sb), *hit;
        while ((hit = strstr(p, key)) != NULL) {
            sb_add(&out, p, (size_t)(hit - p));
            sb_puts(&out, value);
            p = hit + strlen(key);
        }
        sb_puts(&out, p);
        sb_free(&sb);
        sb = out;
    }
    va_end(ap);
    return sb_detach(&sb);
}

static char *rule_index(const char *id)
{
    const lint_rule *r = lint_find(id);
    strbuf sb = STRBUF_INIT;
    if (r)
        sb_addf(&sb, "%zu", (size_t)(r - lint_rules));
    else
        t_fail(__FILE__, __LINE__, "no rule '%s'", id);
    return sb_detach(&sb);
}

TEST(report_sarif)
{
    rf f;
    rf_init(&f);
    char *got = render(&f, FORMAT_SARIF);
    if (!got) {
        rf_free(&f);
        return;
    }
    T_CHECK(json_parses(got));
    /* the document up to the rule catalog */
    size_t nhead = strlen(WANT_SARIF_HEAD);
    T_CHECK(strncmp(got, WANT_SARIF_HEAD, nhead) == 0);
    /* the catalog: every rule of lint_rules, in order, with its level */
    const char *p = got + nhead;
    for (size_t i = 0; i < lint_nrules; i++) {
        const lint_rule *r = &lint_rules[i];
        strbuf want = STRBUF_INIT;
        sb_addf(&want,
                "\n            {\n"
                "              \"id\": \"%s\",\n"
                "              \"name\": \"%s\",\n"
                "              \"shortDescription\": {\n"
                "                \"text\": \"",
                r->id, r->id);
        const char *at = strstr(p, sb_str(&want));
        if (!at) {
            t_fail(__FILE__, __LINE__, "rule '%s' is not next in the catalog", r->id);
            sb_free(&want);
            break;
        }
        T_CHECK(at == p || at == p + 1); /* right after '[' or ',' */
        sb_reset(&want);
        sb_addf(&want,
                "              \"defaultConfiguration\": {\n"
                "                \"level\": \"%s\"\n"
                "              }\n"
                "            }",
                r->sev == SEV_ERROR ? "error" : r->sev == SEV_WARNING ? "warning" : "note");
        const char *end = strstr(at, sb_str(&want));
        if (!end) {
            t_fail(__FILE__, __LINE__, "rule '%s' has no level %s", r->id, sb_str(&want));
            sb_free(&want);
            break;
        }
        p = end + want.len;
        sb_free(&want);
    }
    T_CHECK(strncmp(p, "\n          ]\n        }\n      },\n", 32) == 0);
    /* the results, byte for byte */
    char *fk = rule_index("fk-without-index"), *ru = rule_index("retention-unprotected");
    char *tail = replace(WANT_SARIF_TAIL, "@FK@", fk, "@RU@", ru, (const char *)NULL);
    const char *results = strstr(got, "      \"columnKind\"");
    T_CHECK(results != NULL);
    if (results)
        STREQ(results, tail);
    /* no informationUri, no invocation when every finding has a file */
    T_CHECK(!strstr(got, "informationUri"));
    T_CHECK(!strstr(got, "invocations"));
    free(tail);
    free(fk);
    free(ru);
    free(got);
    rf_free(&f);
}

/* ---- no findings */

TEST(report_no_findings)
{
    rf f;
    rf_empty(&f);
    char *s = render(&f, FORMAT_TEXT);
    STREQ(s, "no findings\n");
    free(s);
    s = render(&f, FORMAT_GITHUB);
    STREQ(s, "no findings\n");
    free(s);
    s = render(&f, FORMAT_JSON);
    STREQ(s, "{\n"
             "  \"version\": 1,\n"
             "  \"tool\": {\n"
             "    \"name\": \"partc\",\n"
             "    \"version\": \"9.8.7\"\n"
             "  },\n"
             "  \"summary\": {\n"
             "    \"errors\": 0,\n"
             "    \"warnings\": 0,\n"
             "    \"suppressed\": 0\n"
             "  },\n"
             "  \"findings\": []\n"
             "}\n");
    free(s);
    s = render(&f, FORMAT_SARIF);
    T_CHECK(s && json_parses(s));
    T_CHECK(s && strstr(s, "\n      \"results\": []\n    }\n  ]\n}\n"));
    free(s);
    rf_free(&f);
}

/* ---- what hostile or odd input turns into: a finding without a file, a
 * line without a column, control bytes, bytes that are not UTF-8, absolute
 * and ./ paths, a suppression without a reason */

static void rf_odd(rf *f)
{
    rf_empty(f);
    diag_add(&f->d, SEV_NOTE, "unknown-template", (srcloc){NULL, 0, 0}, NULL, "template 'x' is not used");
    diag_add(&f->d, SEV_WARNING, "too-many-partitions", (srcloc){"/abs/dir/x y.yaml", 5, 0}, NULL,
             "esc \x1b[31m tab\t bad \xff ok \xc3\xa9 del \x7f");
    diag *g = diag_add(&f->d, SEV_ERROR, "partition-key-nullable", (srcloc){"./specs/a.yaml", 1, 1}, NULL,
                       "nullable");
    g->suppressed = true; /* reason left NULL */
    diags_sort(&f->d);
}

TEST(report_odd_input)
{
    rf f;
    rf_odd(&f);
    char *s = render(&f, FORMAT_JSON);
    T_CHECK(s && json_parses(s));
    T_CHECK(s && strstr(s, "\"file\": null,\n      \"line\": 0,\n      \"column\": 0,"));
    T_CHECK(s && strstr(s, "\"message\": \"esc \\u001b[31m tab\\t bad \\ufffd ok \xc3\xa9 del \x7f\","));
    T_CHECK(s && strstr(s, "\"line\": 5,\n      \"column\": 0,"));
    T_CHECK(s && strstr(s, "\"suppressed\": true,\n      \"reason\": \"\"\n"));
    T_CHECK(s && strstr(s, "\"errors\": 0,\n    \"warnings\": 1,\n    \"suppressed\": 1\n"));
    free(s);

    s = render(&f, FORMAT_GITHUB);
    STREQ(s, "::notice title=unknown-template::template 'x' is not used\n"
             "::warning file=/abs/dir/x y.yaml,line=5,title=too-many-partitions::"
             "esc ?[31m tab? bad \xff ok \xc3\xa9 del ?\n"
             "0 errors, 1 warning, 1 allowed\n");
    free(s);

    s = render(&f, FORMAT_SARIF);
    T_CHECK(s && json_parses(s));
    /* the file-less note goes to the invocation, not to the results */
    T_CHECK(s && strstr(s, "      \"invocations\": [\n"
                           "        {\n"
                           "          \"executionSuccessful\": true,\n"
                           "          \"toolExecutionNotifications\": [\n"
                           "            {\n"
                           "              \"descriptor\": {\n"
                           "                \"id\": \"unknown-template\"\n"
                           "              },\n"
                           "              \"level\": \"note\",\n"
                           "              \"message\": {\n"
                           "                \"text\": \"template 'x' is not used\"\n"
                           "              }\n"
                           "            }\n"
                           "          ]\n"
                           "        }\n"
                           "      ],\n"));
    T_CHECK(s && !strstr(s, "\"ruleId\": \"unknown-template\""));
    T_CHECK(s && strstr(s, "\"uri\": \"file:///abs/dir/x%20y.yaml\"\n"
                           "                },\n"
                           "                \"region\": {\n"
                           "                  \"startLine\": 5\n"
                           "                }\n"));
    T_CHECK(s && strstr(s, "\"uri\": \"specs/a.yaml\""));
    T_CHECK(s && strstr(s, "\"kind\": \"inSource\",\n              \"justification\": \"\"\n"));
    free(s);

    /* a file-less error marks the execution as failed */
    f.d.v[0].sev = SEV_ERROR;
    s = render(&f, FORMAT_SARIF);
    T_CHECK(s && strstr(s, "\"executionSuccessful\": false,"));
    free(s);
    rf_free(&f);
}

/* ---- a detail (the diff under a [drift]): indented under the hint in
 * text, a key of its own in json, lines after the message elsewhere; no
 * control character but newline comes out of the text form */

TEST(report_detail)
{
    rf f;
    rf_empty(&f);
    diag *g = diag_add(&f.d, SEV_ERROR, "drift", (srcloc){"out/0001_x.up.sql", 0, 0}, "undo the spec change",
                       "other SQL");
    diag_set_detail(&f.d, g, "--- a\n+++ b\n@@ -1 +1 @@\n-x\tq\x1b[2J\n+y\r\n");
    char *s = render(&f, FORMAT_TEXT);
    STREQ(s, "out/0001_x.up.sql: error: other SQL [drift]\n"
             "  hint: undo the spec change\n"
             "    --- a\n"
             "    +++ b\n"
             "    @@ -1 +1 @@\n"
             "    -x q?[2J\n"
             "    +y?\n"
             "1 error, 0 warnings, 0 allowed\n");
    free(s);
    s = render(&f, FORMAT_JSON);
    T_CHECK(s && json_parses(s));
    T_CHECK(s && strstr(s, "\"hint\": \"undo the spec change\",\n"
                           "      \"detail\": \"--- a\\n+++ b\\n@@ -1 +1 @@\\n-x\\tq\\u001b[2J\\n+y\\r\\n\",\n"));
    free(s);
    s = render(&f, FORMAT_GITHUB);
    STREQ(s, "::error file=out/0001_x.up.sql,title=drift::other SQL (hint: undo the spec change)%0A--- a%0A+++ "
             "b%0A@@ -1 +1 @@%0A-x?q?[2J%0A+y%0D\n"
             "1 error, 0 warnings, 0 allowed\n");
    free(s);
    s = render(&f, FORMAT_SARIF);
    T_CHECK(s && json_parses(s));
    T_CHECK(s && strstr(s, "\"text\": \"other SQL (hint: undo the spec change)\\n--- a\\n+++ b\\n@@ -1 +1 "
                           "@@\\n-x\\tq\\u001b[2J\\n+y\\r\"\n"));
    free(s);
    /* a long line is cut, on a character */
    strbuf long_line = STRBUF_INIT;
    sb_puts(&long_line, "+");
    for (int i = 0; i < 600; i++)
        sb_puts(&long_line, "\xc3\xa9");
    sb_puts(&long_line, "\n");
    diag_set_detail(&f.d, g, sb_str(&long_line));
    s = render(&f, FORMAT_TEXT);
    T_CHECK(s && strstr(s, "\xc3\xa9... (202 bytes more)\n1 error"));
    free(s);
    sb_free(&long_line);
    rf_free(&f);
}
