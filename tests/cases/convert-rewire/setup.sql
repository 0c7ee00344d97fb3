-- Seed 003's orders and the four tables that reference it, with rows.
CREATE TABLE public.events (id uuid PRIMARY KEY);
INSERT INTO public.events SELECT md5('e' || g)::uuid FROM generate_series(1, 20) g;
CREATE TABLE public.orders (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id    uuid NOT NULL REFERENCES public.events (id),
    status      text NOT NULL DEFAULT 'pending',
    total_cents bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_orders_event_created ON public.orders (event_id, created_at);
INSERT INTO public.orders (id, event_id, total_cents, created_at)
SELECT md5('o' || g)::uuid, md5('e' || (1 + g % 20))::uuid, 100 * g,
       '2026-01-01'::timestamptz + g * interval '2 hours'
  FROM generate_series(1, 2000) g;
CREATE TABLE public.order_items (
    id       bigint PRIMARY KEY,
    order_id uuid NOT NULL REFERENCES public.orders (id) ON DELETE CASCADE
);
CREATE INDEX order_items_order_id_idx ON public.order_items (order_id);
INSERT INTO public.order_items SELECT g, md5('o' || (1 + g % 2000))::uuid FROM generate_series(1, 5000) g;
CREATE TABLE public.refunds (
    id       bigint PRIMARY KEY,
    order_id uuid NOT NULL REFERENCES public.orders (id)
);
INSERT INTO public.refunds SELECT g, md5('o' || (7 * g))::uuid FROM generate_series(1, 200) g;
CREATE TABLE public.tickets (
    id       bigint PRIMARY KEY,
    order_id uuid REFERENCES public.orders (id) ON DELETE SET NULL
);
INSERT INTO public.tickets SELECT g, CASE WHEN g % 5 = 0 THEN NULL ELSE md5('o' || (1 + g % 2000))::uuid END
  FROM generate_series(1, 3000) g;
CREATE TABLE public.inventory_operations (
    id       bigint PRIMARY KEY,
    order_id uuid REFERENCES public.orders (id) ON DELETE RESTRICT
);
INSERT INTO public.inventory_operations SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE md5('o' || (11 * g))::uuid END
  FROM generate_series(1, 150) g;
