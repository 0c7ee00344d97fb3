-- What the examples in specs/ expect to exist already: the roles they grant
-- to, and the tables they declare with mode: reference.
DO $$ BEGIN CREATE ROLE authenticated; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE service_role; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE jive_api_user; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.organizations (id uuid PRIMARY KEY);
CREATE TABLE public.users (id uuid PRIMARY KEY, organization_id uuid NOT NULL);
