-- The live table with the spec's indexes, built as a user would have built them.
CREATE TABLE public.docs (id bigint PRIMARY KEY, name text NOT NULL, payload jsonb, created_at timestamptz NOT NULL);
CREATE INDEX docs_recent ON public.docs (id DESC, created_at DESC NULLS LAST);
CREATE INDEX docs_payload ON public.docs USING gin (payload jsonb_path_ops);
CREATE INDEX docs_name_pattern ON public.docs (name COLLATE "C" text_pattern_ops);
CREATE INDEX docs_lower_name ON public.docs ((lower(name)) DESC) WHERE payload IS NOT NULL;
INSERT INTO public.docs
SELECT g, 'doc ' || g, CASE WHEN g % 3 = 0 THEN jsonb_build_object('n', g) END,
       '2026-10-01'::timestamptz + g * interval '1 hour'
  FROM generate_series(1, 1000) g;
