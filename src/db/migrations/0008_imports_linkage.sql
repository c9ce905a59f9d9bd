-- Imports and the master child index (issue 6).
-- 1. Import sources (an agency's regular extract, with its saved column mapping), import batches
--    (one uploaded file: its SHA-256, status, counts, progress), the file itself, row errors.
-- 2. Source records: every imported row, raw and standardised, never destroyed. A changed row
--    becomes a new version that supersedes the old one (which is kept).
-- 3. Linkage runs with their parameters and model, the candidate pairs they found (match
--    probability and a per-field explanation), and the master index: links from a source record
--    to a Lantern child with a status (auto / accepted / merged; rejected / split are kept as
--    negative decisions), exclusions ("keep apart"), child merges, and every decision (with undo).
-- Row-level security: imported data is seen and written by the system (jobs) and by transactions the
-- imports and linkage services marked lantern.linkage = 'on' after checking the user's role. Those
-- run in the signpost scope (every child's identity is visible, as search-and-signpost allows),
-- because matching records to children means comparing them with every child.

create function lantern_linkage_visible() returns boolean
language sql stable as $$
  select coalesce(current_setting('lantern.scope', true), '') = 'system'
    or (coalesce(current_setting('lantern.scope', true), '') in ('user', 'signpost')
        and coalesce(current_setting('lantern.linkage', true), '') = 'on')
$$;

-- ----- imports -----
create table import_sources (
  id uuid primary key,
  agency_id uuid not null references agencies(id),
  name text not null check (length(trim(name)) > 0),
  kind text not null check (kind in ('extract','tracker','ssda903_header','ssda903_episodes','ssda903_missing')),
  subject text not null default 'child' check (subject in ('child','person')),
  -- column header → Lantern field, saved for the next file from the same source
  mapping jsonb not null default '{}'::jsonb,
  version integer not null default 1,
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index import_sources_name on import_sources(agency_id, kind, lower(name));

create sequence import_batch_seq;

create table import_batches (
  id uuid primary key,
  reference text not null unique,
  source_id uuid not null references import_sources(id),
  agency_id uuid not null references agencies(id),
  filename text,
  format text not null check (format in ('csv','xlsx')),
  file_hash text not null check (file_hash ~ '^[0-9a-f]{64}$'),
  file_size bigint not null,
  status text not null default 'uploaded' check (status in
    ('uploaded','validating','validated','importing','imported','cancelled','failed','duplicate')),
  header text[] not null default '{}',
  mapping jsonb,
  rows_total integer,
  rows_valid integer,
  rows_invalid integer,
  rows_done integer not null default 0,
  rows_inserted integer not null default 0,
  rows_updated integer not null default 0,
  rows_unchanged integer not null default 0,
  only_valid boolean not null default false,
  duplicate_of uuid references import_batches(id),
  error text,
  uploaded_by uuid not null references users(id),
  uploaded_at timestamptz not null,
  decided_by uuid references users(id),
  decided_at timestamptz,
  finished_at timestamptz,
  version integer not null default 1
);
create index import_batches_hash on import_batches(source_id, file_hash);
create index import_batches_uploaded on import_batches(uploaded_at);

create table import_files (
  batch_id uuid primary key references import_batches(id),
  content bytea not null
);

create table import_row_errors (
  id bigserial primary key,
  batch_id uuid not null references import_batches(id),
  -- the row as a spreadsheet numbers it: the header is row 1 (0: the file as a whole)
  row_number integer not null,
  field text not null,
  value text,
  reason text not null
);
create index import_row_errors_batch on import_row_errors(batch_id, row_number);

create table source_records (
  id uuid primary key,
  agency_id uuid not null references agencies(id),
  source_id uuid not null references import_sources(id),
  batch_id uuid not null references import_batches(id),
  record_type text not null check (record_type in ('child','person','episode','missing')),
  row_number integer not null,
  row_key text not null,
  content_hash text not null,
  -- SSDA903 episodes and missing rows: the CHILD identifier of the header row they belong to
  parent_key text,
  raw jsonb not null,
  std jsonb not null,
  superseded_by uuid references source_records(id) deferrable initially deferred,
  superseded_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index source_records_current on source_records(source_id, row_key) where superseded_by is null;
create index source_records_batch on source_records(batch_id);
create index source_records_parent on source_records(agency_id, parent_key) where parent_key is not null;
create index source_records_type on source_records(record_type) where superseded_by is null;

-- Source records are never changed except to mark them superseded, and never deleted.
create function lantern_source_records_keep() returns trigger
language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    raise exception 'source records are never deleted' using errcode = 'insufficient_privilege';
  end if;
  if new.raw is distinct from old.raw or new.std is distinct from old.std or new.row_key is distinct from old.row_key
     or new.content_hash is distinct from old.content_hash or new.source_id is distinct from old.source_id then
    raise exception 'source records are never changed: import a new version' using errcode = 'insufficient_privilege';
  end if;
  return new;
end $$;
create trigger source_records_keep before update or delete on source_records
  for each row execute function lantern_source_records_keep();

-- ----- linkage runs and candidate pairs -----
create sequence linkage_run_seq;

create table linkage_runs (
  id uuid primary key,
  reference text not null unique,
  status text not null default 'queued' check (status in ('queued','running','succeeded','failed')),
  threshold real not null check (threshold > 0 and threshold <= 1),
  review_threshold real not null check (review_threshold > 0 and review_threshold <= threshold),
  -- fields, blocking rules, model (m, u, lambda), timings, counts
  parameters jsonb not null default '{}'::jsonb,
  phase text,
  records integer,
  children integer,
  candidate_pairs integer,
  auto_links integer,
  review_pairs integer,
  new_groups integer,
  error text,
  started_by uuid references users(id),
  created_at timestamptz not null,
  started_at timestamptz,
  finished_at timestamptz
);

create table linkage_pairs (
  id uuid primary key,
  run_id uuid not null references linkage_runs(id),
  left_kind text not null check (left_kind in ('child','record')),
  left_id uuid not null,
  right_kind text not null check (right_kind in ('child','record')),
  right_id uuid not null,
  match_probability real not null,
  match_weight real not null,
  band text not null check (band in ('match','review')),
  reason text,
  conflicts text[] not null default '{}',
  explanation jsonb not null,
  status text not null default 'open' check (status in ('open','linked','resolved','accepted','merged','rejected','superseded')),
  decision_id uuid,
  version integer not null default 1
);
create index linkage_pairs_run on linkage_pairs(run_id, band, status);
create index linkage_pairs_open on linkage_pairs(status) where status = 'open';
create index linkage_pairs_left on linkage_pairs(left_id);
create index linkage_pairs_right on linkage_pairs(right_id);

-- ----- the master child index -----
create table master_decisions (
  id uuid primary key,
  kind text not null check (kind in ('auto','accept','reject','merge','split','create_child','undo')),
  run_id uuid references linkage_runs(id),
  pair_id uuid references linkage_pairs(id),
  child_id uuid references children(id),
  other_child_id uuid references children(id),
  source_record_id uuid references source_records(id),
  reason text,
  details jsonb not null default '{}'::jsonb,
  decided_by uuid references users(id),
  decided_at timestamptz not null,
  undoes uuid references master_decisions(id),
  undone_by uuid references master_decisions(id),
  undone_at timestamptz
);
create index master_decisions_time on master_decisions(decided_at);
create index master_decisions_child on master_decisions(child_id);

create table master_links (
  id uuid primary key,
  source_record_id uuid not null references source_records(id),
  child_id uuid not null references children(id),
  status text not null check (status in ('auto','accepted','merged','rejected','split')),
  match_probability real,
  run_id uuid references linkage_runs(id),
  decision_id uuid not null references master_decisions(id),
  created_at timestamptz not null,
  ended_at timestamptz,
  ended_by uuid references master_decisions(id)
);
-- A source record belongs to at most one child at a time.
create unique index master_links_active on master_links(source_record_id)
  where ended_at is null and status in ('auto','accepted','merged');
create index master_links_child on master_links(child_id) where ended_at is null;

-- "Keep apart": two nodes (a child or a source record each) a person decided are different children.
create table linkage_exclusions (
  id uuid primary key,
  a_kind text not null check (a_kind in ('child','record')),
  a_id uuid not null,
  b_kind text not null check (b_kind in ('child','record')),
  b_id uuid not null,
  decision_id uuid not null references master_decisions(id),
  created_at timestamptz not null,
  ended_at timestamptz,
  ended_by uuid references master_decisions(id)
);
create index linkage_exclusions_active on linkage_exclusions(a_id, b_id) where ended_at is null;

-- Two Lantern children found to be one: the first is merged into the second. Neither is deleted.
create table child_merges (
  id uuid primary key,
  from_child_id uuid not null references children(id),
  into_child_id uuid not null references children(id),
  decision_id uuid not null references master_decisions(id),
  created_at timestamptz not null,
  ended_at timestamptz,
  ended_by uuid references master_decisions(id),
  check (from_child_id <> into_child_id)
);
create unique index child_merges_active on child_merges(from_child_id) where ended_at is null;

do $$
declare t text;
begin
  foreach t in array array['import_sources','import_batches','import_files','import_row_errors','source_records',
    'linkage_runs','linkage_pairs','master_decisions','master_links','linkage_exclusions','child_merges'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy %I on %I using (lantern_linkage_visible()) with check (lantern_linkage_visible())', t || '_access', t);
  end loop;
end $$;

grant usage, select on sequence import_batch_seq to lantern_app;
grant usage, select on sequence linkage_run_seq to lantern_app;
grant usage, select on sequence import_row_errors_id_seq to lantern_app;
