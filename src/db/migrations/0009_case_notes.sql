-- Case notes: entries any agency working with a child adds to the shared record. Entries are never
-- edited or deleted (a trigger refuses it): a correction is a new entry that points at the old one.

create table case_notes (
  id uuid primary key,
  child_id uuid not null references children(id),
  agency_id uuid not null references agencies(id),
  author_id uuid not null references users(id),
  field_group text not null default 'narrative'
    check (field_group in ('narrative','health','police_intelligence','education')),
  occurred_at timestamptz not null,
  text text not null check (length(trim(text)) > 0),
  corrects_id uuid references case_notes(id),
  idempotency_key text unique,
  created_at timestamptz not null default now()
);
create index case_notes_child on case_notes(child_id, occurred_at);

alter table case_notes enable row level security;
alter table case_notes force row level security;
create policy case_notes_access on case_notes
  using (coalesce(current_setting('lantern.scope', true), '') = 'system' or lantern_may_see_child(child_id, null))
  with check (coalesce(current_setting('lantern.scope', true), '') = 'system' or lantern_may_see_child(child_id, null));

create function lantern_entries_immutable() returns trigger
language plpgsql as $$
begin
  raise exception '% entries are never changed or deleted: add a correction that points at the original', tg_table_name
    using errcode = 'insufficient_privilege';
end $$;

create trigger case_notes_immutable before update or delete on case_notes
  for each row execute function lantern_entries_immutable();
