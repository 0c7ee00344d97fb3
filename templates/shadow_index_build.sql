--! One index of the shadow, built by the backfill (inside conv_backfill; the statement ends its line).
        {{statement}}