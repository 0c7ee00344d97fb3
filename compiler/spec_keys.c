/* spec_keys: the spec schema's rows as a reference (`partc keys`).
 *
 * Walks the rows from the top of a spec file down through every section and
 * every item's keys, and prints each key's path, the value it takes, its
 * default and its meaning: as text, as the markdown table the README holds
 * (a test compares them), or as the keys and words of a libFuzzer
 * dictionary.  Reads the rows only; prints to the stream it is given. */
#include <stdlib.h>
#include <string.h>

#include "spec_schema.h"
#include "strbuf.h"

/* The value a row takes, in words. */
static void value_text(strbuf *sb, const spec_key *k, bool markdown)
{
    const char *q = markdown ? "`" : "'";
    switch (k->kind) {
    case K_NAME: sb_puts(sb, "name"); return;
    case K_TEXT: {
        const char *w = k->what;
        if (strncmp(w, "a ", 2) == 0)
            w += 2;
        else if (strncmp(w, "an ", 3) == 0)
            w += 3;
        sb_puts(sb, w);
        return;
    }
    case K_WORD:
    case K_ENUM:
        sb_puts(sb, "one of ");
        for (size_t i = 0; k->values[i]; i++)
            sb_addf(sb, "%s%s%s%s", i ? ", " : "", q, k->values[i], q);
        return;
    case K_BOOL:
    case K_NOT: sb_puts(sb, "true or false"); return;
    case K_INT:
    case K_INT32: sb_addf(sb, "whole number, %lld to %lld", (long long)k->lo, (long long)k->hi); return;
    case K_NAMES:
        sb_puts(sb, "list of names");
        if (k->hi)
            sb_addf(sb, ", at most %lld", (long long)k->hi);
        return;
    case K_DURATION:
        sb_addf(sb, "duration: N hours, days, weeks, months or years%s", k->lo == 0 ? ", or 0" : "");
        return;
    case K_TIMEOUT: sb_addf(sb, "timeout: %s0%s, %s250ms%s, %s2s%s, %s1min%s (a bare number is ms)", q, q, q, q, q, q, q, q); return;
    case K_DATE: sb_puts(sb, "date: YYYY-MM-DD"); return;
    case K_SECTION: sb_puts(sb, "mapping"); return;
    case K_CUSTOM: sb_puts(sb, k->type_doc); return;
    }
}

static void default_text(strbuf *sb, const spec_key *k, bool markdown)
{
    const char *q = markdown ? "`" : "'";
    if (k->required)
        sb_puts(sb, k->range_only ? "required for strategy partition" : "required");
    else if (k->def)
        sb_addf(sb, "%s%s%s", q, k->def, q);
    else if (k->def_doc)
        sb_puts(sb, k->def_doc);
    else
        sb_puts(sb, "none");
}

typedef struct walker {
    FILE *out;
    keys_format f;
    const char **words; /* KEYS_DICT: every key and allowed word */
    size_t nwords, cap;
} walker;

static void add_word(walker *w, const char *s)
{
    if (w->nwords == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->words = realloc(w->words, w->cap * sizeof *w->words);
        if (!w->words)
            abort();
    }
    w->words[w->nwords++] = s;
}

static void print_row(walker *w, const spec_section *s, const spec_key *k)
{
    bool md = w->f == KEYS_MARKDOWN;
    strbuf v = STRBUF_INIT, d = STRBUF_INIT;
    value_text(&v, k, md);
    default_text(&d, k, md);
    if (md)
        fprintf(w->out, "| `%s%s` | %s | %s | %s |\n", s->path, k->key, sb_str(&v), sb_str(&d), k->doc);
    else
        fprintf(w->out, "%s%s\n    value: %s\n    default: %s\n    %s\n", s->path, k->key, sb_str(&v), sb_str(&d),
                k->doc);
    sb_free(&v);
    sb_free(&d);
}

static void walk(walker *w, const spec_section *s)
{
    for (size_t i = 0; i < s->nkeys; i++) {
        const spec_key *k = &s->keys[i];
        if (w->f == KEYS_DICT) {
            add_word(w, k->key);
            for (size_t j = 0; k->values && k->values[j]; j++)
                add_word(w, k->values[j]);
            if (k->kind == K_BOOL || k->kind == K_NOT) {
                add_word(w, "true");
                add_word(w, "false");
            }
        } else
            print_row(w, s, k);
        if (k->sub)
            walk(w, k->sub);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void spec_keys_print(FILE *out, keys_format f)
{
    walker w = {.out = out, .f = f};
    if (f == KEYS_MARKDOWN)
        fputs("| key | value | default | meaning |\n|---|---|---|---|\n", out);
    walk(&w, &spec_top);
    if (f == KEYS_DICT) {
        qsort(w.words, w.nwords, sizeof *w.words, cmp_str);
        for (size_t i = 0; i < w.nwords; i++)
            if (i == 0 || strcmp(w.words[i], w.words[i - 1]) != 0)
                fprintf(out, "\"%s\"\n", w.words[i]);
    }
    free(w.words);
}
