/* strbuf: a growable text buffer on the heap.
 *
 * The buffer is always NUL-terminated.  sb_free releases it; sb_detach hands
 * the bytes to the caller (free() them) and leaves the buffer empty.
 * Out of memory aborts, as in arena.  No formatting of SQL happens here:
 * quoting belongs to sqlquote. */
#ifndef PARTC_STRBUF_H
#define PARTC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *buf;
    size_t len, cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void sb_init(strbuf *sb);
void sb_free(strbuf *sb);
void sb_reset(strbuf *sb);
void sb_add(strbuf *sb, const char *s, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_addc(strbuf *sb, char c);
void sb_addf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_vaddf(strbuf *sb, const char *fmt, va_list ap);
/* The text, never NULL (an empty buffer gives ""). */
const char *sb_str(const strbuf *sb);
char *sb_detach(strbuf *sb);

#endif
