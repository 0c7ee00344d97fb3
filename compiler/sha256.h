/* sha256: the SHA-256 digest (FIPS 180-4), for partc.lock.
 *
 * One call over a whole buffer; the lock records each emitted file's digest
 * so that an edit, a deletion or a change in what the specs compile to shows
 * up as a different digest. */
#ifndef PARTC_SHA256_H
#define PARTC_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Writes the digest of data[0..len) as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
