-- What the examples in specs/ expect to exist already: the roles they grant
-- to, the tables they declare with mode: reference, and every table they
-- declare with mode: convert, as it is today (a plain table with rows, primary
-- key, indexes, checks, foreign keys, row-level security, policies and grants
-- exactly as its spec describes them).
--
-- Rows per converted table: the psql variable rows (default 20000), e.g.
--   psql -v ON_ERROR_STOP=1 -v rows=1000 -f tests/pg/examples/setup.sql
-- The data is deterministic (generate_series and md5 of the row number).
-- Partition-key values are spread evenly, with jitter, over every range from
-- the table's partition.start (ingest_idempotency: from 2026-02-14, the day
-- the table was created) up to 2026-11-22 23:59:59 UTC.

\if :{?rows}
\else
\set rows 20000
\endif

DO $$ BEGIN CREATE ROLE anon; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE authenticated; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE service_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE jive_api_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$;

-- Helpers for this session only (pg_temp): nothing of them stays in the
-- database.
--   u(seed)            a number in [0, 1) from md5 of seed
--   uid(seed)          a uuid from md5 of seed
--   spread(i, n, from, seed)
--                      the i-th of n instants (1 <= i <= n) between from
--                      and 2026-11-23 00:00 UTC (exclusive), in order,
--                      with jitter from md5 of seed and i
--   pick(a, seed)      one element of a, chosen by md5 of seed
CREATE FUNCTION pg_temp.u(seed text) RETURNS double precision
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT ('x' || substr(md5(seed), 1, 12))::bit(48)::bigint / 281474976710656.0 $$;
CREATE FUNCTION pg_temp.uid(seed text) RETURNS uuid
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT md5(seed)::uuid $$;
CREATE FUNCTION pg_temp.spread(i bigint, n bigint, from_ts timestamptz, seed text)
    RETURNS timestamptz
    LANGUAGE sql IMMUTABLE
    AS $$
        SELECT to_timestamp(extract(epoch FROM from_ts)
                            + (extract(epoch FROM timestamptz '2026-11-23 00:00:00+00')
                               - extract(epoch FROM from_ts))
                              * ((i - 1 + pg_temp.u(seed || ':' || i)) / n))
    $$;
CREATE FUNCTION pg_temp.pick(a text[], seed text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT a[1 + floor(pg_temp.u(seed) * array_length(a, 1))::integer] $$;


-- ------------------------------------------------------------ reference tables

-- specs/campotech.yaml: 40 organizations with 10 users each; user g belongs
-- to organization ((g - 1) % 40) + 1.
CREATE TABLE public.organizations (id uuid PRIMARY KEY);
CREATE TABLE public.users (id uuid PRIMARY KEY, organization_id uuid NOT NULL);
INSERT INTO public.organizations (id)
SELECT pg_temp.uid('organization:' || g) FROM generate_series(1, 40) AS g;
INSERT INTO public.users (id, organization_id)
SELECT pg_temp.uid('user:' || g), pg_temp.uid('organization:' || ((g - 1) % 40 + 1))
FROM generate_series(1, 400) AS g;

-- specs/ingest_idempotency.yaml: the sites that ingest billable events.
CREATE TABLE public.sites (id uuid PRIMARY KEY);
INSERT INTO public.sites (id)
SELECT pg_temp.uid('site:' || g) FROM generate_series(1, 60) AS g;

-- specs/analytics.yaml: the events that impressions and ticket analytics
-- belong to, each with its organizer.
CREATE TABLE public.events (id uuid PRIMARY KEY, organizer_id uuid NOT NULL);
INSERT INTO public.events (id, organizer_id)
SELECT pg_temp.uid('event:' || g), pg_temp.uid('organizer:' || ((g - 1) % 25 + 1))
FROM generate_series(1, 150) AS g;


-- ------------------------------------------------- ingest_idempotency (000, 001)

-- The revenue kernel's record of processed events.  The table was created on
-- 2026-02-14 (migration 20260214000000); the batched cleanup has fallen
-- behind, so it still holds every month since.
CREATE TABLE public.ingest_idempotency (
    site_id         uuid NOT NULL REFERENCES public.sites (id) ON DELETE CASCADE,
    idempotency_key text NOT NULL,
    year_month      text NOT NULL,
    billable        boolean NOT NULL DEFAULT true,
    billing_state   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (site_id, idempotency_key),
    CONSTRAINT chk_expires_at CHECK (expires_at > created_at)
);
INSERT INTO public.ingest_idempotency
    (site_id, idempotency_key, year_month, billable, billing_state, created_at, expires_at)
SELECT pg_temp.uid('site:' || (i % 60 + 1)),
       'evt_' || substr(md5('ingest:' || i), 1, 24),
       to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM'),
       i % 10 <> 0,
       CASE WHEN i % 10 = 0 THEN NULL
            WHEN i % 97 = 0 THEN 'disputed'
            WHEN ts < timestamptz '2026-10-01 00:00:00+00' THEN 'reconciled'
            WHEN ts < timestamptz '2026-11-01 00:00:00+00' THEN 'invoiced'
            ELSE 'pending' END,
       ts,
       ts + interval '90 days'
FROM (SELECT i, pg_temp.spread(i, :rows, timestamptz '2026-02-14 00:00:00+00', 'ingest_idempotency') AS ts
      FROM generate_series(1, :rows) AS i) AS s
ORDER BY i;
CREATE INDEX idx_ingest_idempotency_expires_at
    ON public.ingest_idempotency (expires_at);
CREATE INDEX idx_ingest_idempotency_site_year_month_billable
    ON public.ingest_idempotency (site_id, year_month, billable);
CREATE INDEX idx_ingest_idempotency_site_year_month_billing_billable
    ON public.ingest_idempotency (site_id, year_month, billing_state) WHERE billable = true;
ALTER TABLE public.ingest_idempotency ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ingest_idempotency FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.ingest_idempotency TO service_role;


-- --------------------------------------------------------- event_impressions (003)

CREATE TABLE public.event_impressions (
    id         uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    event_id   uuid NOT NULL REFERENCES public.events (id) ON DELETE CASCADE,
    user_id    uuid,
    session_id text NOT NULL,
    source     text NOT NULL,
    referrer   text,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.event_impressions (id, event_id, user_id, session_id, source, referrer, created_at)
SELECT pg_temp.uid('impression:' || i),
       pg_temp.uid('event:' || ((i * 7) % 150 + 1)),
       CASE WHEN i % 3 = 0 THEN NULL ELSE pg_temp.uid('buyer:' || (i % 5000)) END,
       'sess_' || substr(md5('session:' || (i / 4)), 1, 20),
       src,
       CASE src WHEN 'search' THEN 'https://www.google.com/'
                WHEN 'social' THEN 'https://www.instagram.com/'
                WHEN 'email' THEN 'https://mail.example.com/'
                ELSE NULL END,
       pg_temp.spread(i, :rows, timestamptz '2025-01-01 00:00:00+00', 'event_impressions')
FROM (SELECT i, pg_temp.pick(ARRAY['search', 'homepage', 'social', 'email', 'direct'],
                             'source:' || i) AS src
      FROM generate_series(1, :rows) AS i) AS s
ORDER BY i;
CREATE INDEX idx_event_impressions_event_created
    ON public.event_impressions (event_id, created_at);
CREATE INDEX idx_event_impressions_user_created
    ON public.event_impressions (user_id, created_at) WHERE user_id IS NOT NULL;
ALTER TABLE public.event_impressions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.event_impressions FORCE ROW LEVEL SECURITY;
CREATE POLICY impressions_insert_any ON public.event_impressions
    FOR INSERT TO anon, authenticated WITH CHECK (true);
CREATE POLICY impressions_read_organizer ON public.event_impressions
    FOR SELECT TO authenticated
    USING (EXISTS (SELECT 1 FROM public.events e WHERE e.id = event_id AND e.organizer_id = current_setting('app.user_id', true)::uuid));
GRANT INSERT ON public.event_impressions TO anon;
GRANT SELECT, INSERT ON public.event_impressions TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.event_impressions TO service_role;


-- ---------------------------------------------------------- ticket_analytics (003)

CREATE TABLE public.ticket_analytics (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    event_id      uuid NOT NULL REFERENCES public.events (id) ON DELETE CASCADE,
    ticket_type   text NOT NULL,
    metric        text NOT NULL,
    quantity      integer NOT NULL DEFAULT 1,
    revenue_cents bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chk_ticket_analytics_quantity CHECK (quantity >= 0)
);
INSERT INTO public.ticket_analytics (event_id, ticket_type, metric, quantity, revenue_cents, created_at)
SELECT pg_temp.uid('event:' || ((i * 11) % 150 + 1)),
       tt,
       m,
       q,
       CASE m WHEN 'purchase' THEN q * price
              WHEN 'refund' THEN -q * price
              ELSE 0 END,
       pg_temp.spread(i, :rows, timestamptz '2025-01-01 00:00:00+00', 'ticket_analytics')
FROM (SELECT i, tt, m,
             CASE m WHEN 'purchase' THEN 1 + i % 4 WHEN 'refund' THEN 1 ELSE 1 END AS q,
             CASE tt WHEN 'general' THEN 2500 WHEN 'vip' THEN 12000
                     WHEN 'early_bird' THEN 1800 ELSE 1500 END AS price
      FROM (SELECT i,
                   pg_temp.pick(ARRAY['general', 'general', 'vip', 'early_bird', 'student'],
                                'ticket_type:' || i) AS tt,
                   pg_temp.pick(ARRAY['view', 'view', 'view', 'add_to_cart', 'add_to_cart',
                                      'checkout_started', 'purchase', 'purchase', 'refund'],
                                'metric:' || i) AS m
            FROM generate_series(1, :rows) AS i) AS a) AS s
ORDER BY i;
CREATE INDEX idx_ticket_analytics_event_created
    ON public.ticket_analytics (event_id, created_at);
CREATE INDEX idx_ticket_analytics_metric_created
    ON public.ticket_analytics (metric, created_at);
ALTER TABLE public.ticket_analytics ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.ticket_analytics FORCE ROW LEVEL SECURITY;
CREATE POLICY analytics_read_organizer ON public.ticket_analytics
    FOR SELECT TO authenticated
    USING (EXISTS (SELECT 1 FROM public.events e WHERE e.id = event_id AND e.organizer_id = current_setting('app.user_id', true)::uuid));
GRANT SELECT ON public.ticket_analytics TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.ticket_analytics TO service_role;


-- -------------------------------------------------------------------- orders (003)

-- Orders of the events' tickets (a fifth of :rows), and the four tables
-- that reference them.
SELECT greatest(:rows / 5, 1) AS orders_rows \gset
CREATE TABLE public.orders (
    id          uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    event_id    uuid NOT NULL REFERENCES public.events (id),
    user_id     uuid NOT NULL,
    status      text NOT NULL DEFAULT 'pending',
    total_cents bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.orders (id, event_id, user_id, status, total_cents, created_at)
SELECT pg_temp.uid('order:' || i),
       pg_temp.uid('event:' || ((i * 13) % 150 + 1)),
       pg_temp.uid('buyer:' || (i % 5000)),
       pg_temp.pick(ARRAY['paid', 'paid', 'paid', 'refunded', 'pending'], 'order status:' || i),
       1500 * (1 + i % 4),
       pg_temp.spread(i, :orders_rows, timestamptz '2025-01-01 00:00:00+00', 'orders')
FROM generate_series(1, :orders_rows) AS i
ORDER BY i;
CREATE INDEX idx_orders_event_created ON public.orders (event_id, created_at);
CREATE INDEX idx_orders_user_created ON public.orders (user_id, created_at);
GRANT SELECT ON public.orders TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.orders TO service_role;
CREATE TABLE public.order_items (
    id       uuid PRIMARY KEY,
    order_id uuid NOT NULL REFERENCES public.orders (id) ON DELETE CASCADE
);
INSERT INTO public.order_items SELECT pg_temp.uid('item:' || i), pg_temp.uid('order:' || ((i + 1) / 2))
  FROM generate_series(1, 2 * :orders_rows) AS i;
CREATE INDEX order_items_order_id_idx ON public.order_items (order_id);
CREATE TABLE public.refunds (
    id       uuid PRIMARY KEY,
    order_id uuid NOT NULL REFERENCES public.orders (id)
);
INSERT INTO public.refunds SELECT pg_temp.uid('refund:' || i), pg_temp.uid('order:' || (20 * i))
  FROM generate_series(1, :orders_rows / 20) AS i;
CREATE INDEX refunds_order_id_idx ON public.refunds (order_id);
CREATE TABLE public.tickets (
    id       uuid PRIMARY KEY,
    order_id uuid NOT NULL REFERENCES public.orders (id) ON DELETE CASCADE
);
INSERT INTO public.tickets SELECT pg_temp.uid('ticket:' || i), pg_temp.uid('order:' || i)
  FROM generate_series(1, :orders_rows) AS i;
CREATE INDEX tickets_order_id_idx ON public.tickets (order_id);
CREATE TABLE public.inventory_operations (
    id       uuid PRIMARY KEY,
    order_id uuid REFERENCES public.orders (id) ON DELETE SET NULL
);
INSERT INTO public.inventory_operations
SELECT pg_temp.uid('inventory:' || i), CASE WHEN i % 3 = 0 THEN NULL ELSE pg_temp.uid('order:' || (5 * i)) END
  FROM generate_series(1, :orders_rows / 5) AS i;
CREATE INDEX inventory_operations_order_id_idx ON public.inventory_operations (order_id);


-- ---------------------------------------------------------------------- jobs (004)

-- Field-service jobs since January 2025; older ones are done, recent ones
-- still open.  The technician is a user of the job's organization.
CREATE TABLE public.jobs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    technician_id   uuid,
    status          text NOT NULL DEFAULT 'pending',
    scheduled_date  date,
    created_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.jobs (organization_id, technician_id, status, scheduled_date, created_at)
SELECT pg_temp.uid('organization:' || (i % 40 + 1)),
       CASE WHEN st IN ('pending', 'cancelled') THEN NULL
            ELSE pg_temp.uid('user:' || (i % 40 + 1 + 40 * (i / 40 % 10))) END,
       st,
       (ts AT TIME ZONE 'UTC')::date + (i % 14),
       ts
FROM (SELECT i, ts,
             CASE WHEN ts >= timestamptz '2026-11-01 00:00:00+00'
                       THEN pg_temp.pick(ARRAY['pending', 'scheduled', 'scheduled', 'in_progress',
                                               'completed', 'completed'], 'status:' || i)
                  WHEN i % 23 = 0 THEN 'cancelled'
                  ELSE 'completed' END AS st
      FROM (SELECT i, pg_temp.spread(i, :rows, timestamptz '2025-01-01 00:00:00+00', 'jobs') AS ts
            FROM generate_series(1, :rows) AS i) AS a) AS s
ORDER BY i;
CREATE INDEX idx_jobs_org_status ON public.jobs (organization_id, status);
CREATE INDEX idx_jobs_org_scheduled_date ON public.jobs (organization_id, scheduled_date);
CREATE INDEX idx_jobs_technician_status ON public.jobs (technician_id, status);
ALTER TABLE public.jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY org_isolation ON public.jobs
    FOR ALL TO authenticated
    USING (organization_id = current_setting('app.organization_id', true)::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON public.jobs TO authenticated;


-- --------------------------------------------------------------- wa_messages (004)

-- WhatsApp messages since ISO week 2025-W01 (Monday 2024-12-30), grouped in
-- conversations of an organization.
CREATE TABLE public.wa_messages (
    id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES public.organizations (id),
    conversation_id uuid NOT NULL,
    body            text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.wa_messages (organization_id, conversation_id, body, created_at)
SELECT pg_temp.uid('organization:' || (i % 40 + 1)),
       pg_temp.uid('conversation:' || (i % 40 + 1) || ':' || (i / 400)),
       CASE WHEN i % 17 = 0 THEN NULL      -- media message without text
            ELSE pg_temp.pick(ARRAY['Hola, a que hora llega el tecnico?',
                                    'El tecnico esta en camino.',
                                    'Gracias, quedo funcionando.',
                                    'Podemos reprogramar para el jueves?',
                                    'Le envio el presupuesto por aca.'], 'body:' || i) END,
       pg_temp.spread(i, :rows, timestamptz '2024-12-30 00:00:00+00', 'wa_messages')
FROM generate_series(1, :rows) AS i
ORDER BY i;
CREATE INDEX idx_wa_messages_org_created ON public.wa_messages (organization_id, created_at);
CREATE INDEX idx_wa_messages_conversation_created ON public.wa_messages (conversation_id, created_at);
ALTER TABLE public.wa_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.wa_messages FORCE ROW LEVEL SECURITY;
CREATE POLICY org_isolation ON public.wa_messages
    FOR ALL TO authenticated
    USING (organization_id = current_setting('app.organization_id', true)::uuid);


-- ----------------------------------------------- technician_location_history (004)

-- GPS pings of technicians (users) around Buenos Aires, the 90 days that
-- retention keeps (since 2026-08-24).
CREATE TABLE public.technician_location_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    job_id      bigint,
    session_id  uuid,
    latitude    numeric(9,6) NOT NULL,
    longitude   numeric(9,6) NOT NULL,
    recorded_at timestamptz NOT NULL,
    CONSTRAINT chk_latitude CHECK (latitude BETWEEN -90 AND 90),
    CONSTRAINT chk_longitude CHECK (longitude BETWEEN -180 AND 180)
);
INSERT INTO public.technician_location_history
    (user_id, job_id, session_id, latitude, longitude, recorded_at)
SELECT pg_temp.uid('user:' || (i % 400 + 1)),
       CASE WHEN i % 5 = 0 THEN NULL ELSE 1 + (i / 20) % 5000 END,
       CASE WHEN i % 50 = 0 THEN NULL
            ELSE pg_temp.uid('gps-session:' || (i % 400 + 1) || ':' || (i / 2000)) END,
       round((-34.60 + (pg_temp.u('lat:' || i) - 0.5) * 0.40)::numeric, 6),
       round((-58.44 + (pg_temp.u('lon:' || i) - 0.5) * 0.50)::numeric, 6),
       pg_temp.spread(i, :rows, timestamptz '2026-08-24 00:00:00+00', 'technician_location_history')
FROM generate_series(1, :rows) AS i
ORDER BY i;
CREATE INDEX idx_tech_loc_user_recorded ON public.technician_location_history (user_id, recorded_at);
CREATE INDEX idx_tech_loc_job ON public.technician_location_history (job_id);
CREATE INDEX idx_tech_loc_session ON public.technician_location_history (session_id);


-- ---------------------------------------------------------------- audit_logs (004)

CREATE TABLE public.audit_logs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES public.organizations (id),
    entity_type     text NOT NULL,
    entity_id       text NOT NULL,
    action          text NOT NULL,
    payload         jsonb,
    created_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.audit_logs (organization_id, entity_type, entity_id, action, payload, created_at)
SELECT pg_temp.uid('organization:' || (i % 40 + 1)),
       et,
       (1 + (i / 3) % 3000)::text,
       act,
       CASE WHEN act = 'delete' THEN NULL
            ELSE jsonb_build_object(
                     'actor', pg_temp.uid('user:' || (i % 40 + 1 + 40 * (i / 40 % 10))),
                     'ip', '10.' || (i % 250) || '.' || (i / 250 % 250) || '.' || (1 + i % 200),
                     'changes', jsonb_build_object('field', pg_temp.pick(ARRAY['status', 'address', 'amount', 'phone'], 'field:' || i),
                                                   'version', 1 + i % 7)) END,
       pg_temp.spread(i, :rows, timestamptz '2025-01-01 00:00:00+00', 'audit_logs')
FROM (SELECT i,
             pg_temp.pick(ARRAY['job', 'customer', 'invoice', 'user', 'payment'], 'entity:' || i) AS et,
             pg_temp.pick(ARRAY['create', 'update', 'update', 'status_change', 'delete'], 'action:' || i) AS act
      FROM generate_series(1, :rows) AS i) AS s
ORDER BY i;
CREATE INDEX idx_audit_logs_org_created ON public.audit_logs (organization_id, created_at);
CREATE INDEX idx_audit_logs_entity ON public.audit_logs (entity_type, entity_id);
GRANT SELECT, INSERT ON public.audit_logs TO service_role;


-- --------------------------------------------------------- notification_logs (004)

-- The six months that retention keeps (since Monday 2026-05-25); a null
-- user_id is a notification to the whole organization.
CREATE TABLE public.notification_logs (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES public.organizations (id),
    user_id         uuid REFERENCES public.users (id) ON DELETE SET NULL,
    channel         text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.notification_logs (organization_id, user_id, channel, created_at)
SELECT pg_temp.uid('organization:' || (i % 40 + 1)),
       CASE WHEN i % 8 = 0 THEN NULL
            ELSE pg_temp.uid('user:' || (i % 40 + 1 + 40 * (i / 40 % 10))) END,
       pg_temp.pick(ARRAY['whatsapp', 'whatsapp', 'email', 'push', 'sms'], 'channel:' || i),
       pg_temp.spread(i, :rows, timestamptz '2026-05-25 00:00:00+00', 'notification_logs')
FROM generate_series(1, :rows) AS i
ORDER BY i;
CREATE INDEX idx_notif_logs_org_created ON public.notification_logs (organization_id, created_at);
CREATE INDEX idx_notif_logs_user_created ON public.notification_logs (user_id, created_at);


ANALYZE public.organizations, public.users, public.sites, public.events,
        public.ingest_idempotency, public.event_impressions, public.ticket_analytics,
        public.jobs, public.wa_messages, public.technician_location_history,
        public.audit_logs, public.notification_logs;
