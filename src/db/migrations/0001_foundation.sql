-- Platform foundation: agencies, users, sessions, sign-in attempts, the job queue.

create table agencies (
  id uuid primary key,
  code text not null unique,
  name text not null,
  kind text not null check (kind in ('police','social_care','health','school','youth_justice','voluntary','council','partnership')),
  contact_email text,
  contact_phone text,
  created_at timestamptz not null default now()
);

create table users (
  id uuid primary key,
  agency_id uuid not null references agencies(id),
  email text not null unique check (email = lower(email)),
  display_name text not null,
  job_title text,
  team text,
  roles text[] not null check (cardinality(roles) > 0),
  password_hash text not null,
  active boolean not null default true,
  version integer not null default 1,
  created_at timestamptz not null default now()
);
create index users_agency on users(agency_id);

-- Server-side sessions. The cookie carries a random token; only its SHA-256 is stored.
create table sessions (
  id text primary key,
  user_id uuid not null references users(id) on delete cascade,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  ip text,
  user_agent text
);
create index sessions_user on sessions(user_id);

create table login_attempts (
  id bigserial primary key,
  email text not null,
  ip text,
  at timestamptz not null default now(),
  success boolean not null
);
create index login_attempts_email_at on login_attempts(email, at);

-- PostgreSQL-backed job queue (works on PGlite and PostgreSQL): claimed with FOR UPDATE SKIP LOCKED.
create table jobs (
  id bigserial primary key,
  kind text not null,
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'queued' check (status in ('queued','running','succeeded','failed','dead')),
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  run_at timestamptz not null default now(),
  locked_at timestamptz,
  locked_by text,
  last_error text,
  result jsonb,
  dedupe_key text unique,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_ready on jobs(run_at) where status = 'queued';
