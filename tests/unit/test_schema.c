/* The spec schema's rows: sound, and the defaults of a new table are theirs. */
#include <string.h>

#include "spec_schema.h"
#include "t.h"

TEST(schema_rows_are_sound)
{
    arena *a = arena_new();
    const char *why = spec_schema_check(a);
    T_CHECK(why == NULL);
    if (why)
        T_STREQ(why, "");
    arena_free(a);
}

TEST(schema_defaults_of_a_new_table)
{
    arena *a = arena_new();
    table *t = spec_table_new(a);
    T_CHECK(t->mode.v == MODE_CREATE && t->strategy.v == STRATEGY_PARTITION);
    T_CHECK(t->part.premake.v == -1); /* by interval: model_defaults */
    T_CHECK(t->retention.action.v == RET_DROP);
    T_CHECK(t->retention.batch_size.v == 10000 && t->retention.protect.v == 2);
    T_STREQ(t->retention.archive_schema.s, "archive");
    T_CHECK(t->migrate.batch_size.v == 10000 && t->migrate.batch_pause_ms.v == 0);
    T_STREQ(t->migrate.shadow_suffix.s, "_partitioned");
    T_STREQ(t->migrate.old_suffix.s, "_old");
    T_CHECK(t->migrate.keep_old.v.n == 7 && t->migrate.keep_old.v.unit == DU_DAYS);
    T_CHECK(!t->migrate.hold_cleanup.v);
    T_CHECK(t->migrate.lock_timeout_ms.v == -1); /* settings.lock_timeout: model_defaults */
    specset ss;
    specset_init(&ss, a);
    T_CHECK(ss.settings.postgres.v == 15 && ss.settings.lock_timeout_ms.v == 2000 && ss.settings.statement_timeout_ms.v == 0);
    arena_free(a);
}
