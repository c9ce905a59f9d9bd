-- Language that does not blame the child (issue 7).
-- 1. The dictionary as versioned data: every change (seed from the shipped dictionary, add, edit,
--    retire, restore) makes a new dictionary version; each entry keeps every revision, so the
--    dictionary at any version can be rebuilt and every flag names the version that raised it.
-- 2. What the checker found in saved narrative text: one row per checked text (with its word
--    count, for flags per 1,000 words) and one row per flag, with the writer's decision to keep
--    the wording and their reason. Append-only; re-saving a text adds a new check (reports count
--    the latest check of each record field).
-- 3. Briefings on language, shown as events on the practice report.

create table language_dictionary_versions (
  version integer primary key check (version >= 1),
  label text not null unique,
  action text not null check (action in ('seed','update','add','edit','retire','restore')),
  entry_id text,
  summary text not null,
  -- the version of the dictionary shipped with Lantern that a seed/update row imported
  shipped_version text,
  -- macros ({NAME} sub-patterns) in force from this version on; null = unchanged
  macros jsonb,
  created_by uuid references users(id),
  created_at timestamptz not null default now()
);

create table language_entries (
  entry_id text not null check (entry_id ~ '^[a-z0-9][a-z0-9-]{0,79}$'),
  dictionary_version integer not null references language_dictionary_versions(version),
  entry_version integer not null check (entry_version >= 1),
  -- order in the dictionary: lower wins when two entries flag the same words
  position integer not null,
  active boolean not null,
  -- the whole entry as the engine reads it (DictionaryEntry), version and active included
  data jsonb not null,
  source text not null check (source in ('shipped','admin')),
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  primary key (entry_id, dictionary_version)
);
create index language_entries_version on language_entries(dictionary_version);

create table language_checks (
  id uuid primary key,
  checked_at timestamptz not null,
  agency_id uuid not null references agencies(id),
  team text,
  user_id uuid not null references users(id),
  record_type text not null,
  record_id text not null,
  field text not null,
  word_count integer not null check (word_count >= 0),
  flag_count integer not null check (flag_count >= 0),
  kept_count integer not null check (kept_count >= 0 and kept_count <= flag_count),
  dictionary_version text not null
);
create index language_checks_record on language_checks(record_type, record_id, field, checked_at);
create index language_checks_time on language_checks(checked_at);

create table language_flags (
  id uuid primary key,
  check_id uuid not null references language_checks(id),
  checked_at timestamptz not null,
  agency_id uuid not null references agencies(id),
  team text,
  user_id uuid not null references users(id),
  record_type text not null,
  record_id text not null,
  field text not null,
  dictionary_version text not null,
  entry_id text not null,
  category text not null,
  phrase text not null,
  start_offset integer not null,
  end_offset integer not null,
  kept boolean not null default false,
  reason text,
  check (not kept or length(trim(coalesce(reason, ''))) > 0)
);
create index language_flags_check on language_flags(check_id);
create index language_flags_time on language_flags(checked_at);

-- Flags and override reasons come from narrative about children: a writer reads and adds their
-- own rows; reports read them in the system scope (aggregated and suppressed by the app).
alter table language_checks enable row level security;
alter table language_checks force row level security;
create policy language_checks_access on language_checks
  using (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or (coalesce(current_setting('lantern.scope', true), '') = 'user'
        and user_id = nullif(current_setting('lantern.user_id', true), '')::uuid))
  with check (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or (coalesce(current_setting('lantern.scope', true), '') = 'user'
        and user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
        and agency_id = nullif(current_setting('lantern.agency_id', true), '')::uuid));

alter table language_flags enable row level security;
alter table language_flags force row level security;
create policy language_flags_access on language_flags
  using (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or (coalesce(current_setting('lantern.scope', true), '') = 'user'
        and user_id = nullif(current_setting('lantern.user_id', true), '')::uuid))
  with check (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or (coalesce(current_setting('lantern.scope', true), '') = 'user'
        and user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
        and agency_id = nullif(current_setting('lantern.agency_id', true), '')::uuid));

create function lantern_language_append_only() returns trigger
language plpgsql as $$
begin
  raise exception '% rows are never changed or deleted', tg_table_name using errcode = 'insufficient_privilege';
end $$;
create trigger language_checks_append_only before update or delete on language_checks
  for each row execute function lantern_language_append_only();
create trigger language_flags_append_only before update or delete on language_flags
  for each row execute function lantern_language_append_only();
create trigger language_entries_append_only before update or delete on language_entries
  for each row execute function lantern_language_append_only();
create trigger language_versions_append_only before update or delete on language_dictionary_versions
  for each row execute function lantern_language_append_only();

create table language_briefings (
  id uuid primary key,
  held_on date not null,
  title text not null check (length(trim(title)) > 0),
  -- null: a partnership-wide briefing
  agency_id uuid references agencies(id),
  created_by uuid not null references users(id),
  created_at timestamptz not null default now()
);
create index language_briefings_held on language_briefings(held_on);
