-- Access control and audit.
-- 1. lantern_app: the role every request runs as (SET LOCAL ROLE), subject to row-level security.
-- 2. Row-level security on child-data tables, driven by per-transaction settings lantern.scope,
--    lantern.user_id and lantern.agency_id (set by the access module).
-- 3. An append-only, hash-chained audit log.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'lantern_app') then
    create role lantern_app nologin;
  end if;
end $$;

grant usage on schema public to lantern_app;
grant select, insert, update, delete on all tables in schema public to lantern_app;
grant usage, select on all sequences in schema public to lantern_app;
alter default privileges in schema public grant select, insert, update, delete on tables to lantern_app;
alter default privileges in schema public grant usage, select on sequences to lantern_app;

-- Break-glass: time-limited access to one child without a relationship, reviewed by an auditor.
create table break_glass (
  id uuid primary key,
  user_id uuid not null references users(id),
  child_id uuid not null references children(id),
  reason text not null check (length(trim(reason)) >= 10),
  granted_at timestamptz not null,
  expires_at timestamptz not null,
  reviewed_by uuid references users(id),
  reviewed_at timestamptz,
  review_outcome text check (review_outcome in ('justified','not_justified')),
  review_note text
);
create index break_glass_user_child on break_glass(user_id, child_id, expires_at);
create index break_glass_unreviewed on break_glass(granted_at) where reviewed_at is null;

-- The access test shared by the row-level security policies: may the current setting see this child?
create function lantern_may_see_child(p_child uuid, p_owner uuid) returns boolean
language sql stable as $$
  select case coalesce(current_setting('lantern.scope', true), '')
    when 'system' then true
    when 'signpost' then true
    when 'user' then
      exists (
        select 1 from relationships r
        where r.child_id = p_child
          and r.user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
          and r.starts_at <= now() and (r.ends_at is null or r.ends_at > now()))
      or exists (
        select 1 from break_glass b
        where b.child_id = p_child
          and b.user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
          and b.expires_at > now())
      or (p_owner = nullif(current_setting('lantern.agency_id', true), '')::uuid
          and coalesce(current_setting('lantern.oversight', true), '') = 'on')
    else false
  end
$$;

alter table children enable row level security;
alter table children force row level security;
create policy children_access on children
  using (lantern_may_see_child(id, owning_agency_id))
  with check (lantern_may_see_child(id, owning_agency_id) or coalesce(current_setting('lantern.scope', true), '') = 'user');

alter table referrals enable row level security;
alter table referrals force row level security;
create policy referrals_access on referrals
  using (
    coalesce(current_setting('lantern.scope', true), '') in ('system')
    or referrer_user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
    or (child_id is not null and lantern_may_see_child(child_id, null))
    or (coalesce(current_setting('lantern.scope', true), '') = 'user' and coalesce(current_setting('lantern.screening', true), '') = 'on'))
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table missing_episodes enable row level security;
alter table missing_episodes force row level security;
create policy missing_access on missing_episodes
  using (coalesce(current_setting('lantern.scope', true), '') = 'system' or lantern_may_see_child(child_id, null))
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

-- The audit log: every read and write of a child's data. Append-only; each row carries the hash of
-- the one before it, so an edit anywhere breaks the chain from that row on.
create table audit_log (
  id bigserial primary key,
  occurred_at timestamptz not null default clock_timestamp(),
  user_id uuid,
  agency_id uuid,
  action text not null,
  record_type text,
  record_id text,
  child_id uuid,
  field_groups text[] not null default '{}',
  reason text,
  request_id text,
  ip text,
  details jsonb not null default '{}'::jsonb,
  prev_hash text not null,
  hash text not null
);
create index audit_child on audit_log(child_id, occurred_at);
create index audit_user on audit_log(user_id, occurred_at);
create index audit_time on audit_log(occurred_at);

create function lantern_audit_hash(a audit_log) returns text
language sql immutable as $$
  select encode(sha256(convert_to(concat_ws('|',
    a.prev_hash, a.id::text,
    to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
    coalesce(a.user_id::text, ''), coalesce(a.agency_id::text, ''), a.action,
    coalesce(a.record_type, ''), coalesce(a.record_id, ''), coalesce(a.child_id::text, ''),
    array_to_string(a.field_groups, ','), coalesce(a.reason, ''), coalesce(a.request_id, ''),
    coalesce(a.ip, ''), a.details::text), 'UTF8')), 'hex')
$$;

create function lantern_audit_chain() returns trigger
language plpgsql as $$
declare
  last_hash text;
begin
  perform pg_advisory_xact_lock(7305202);
  select hash into last_hash from audit_log order by id desc limit 1;
  new.prev_hash := coalesce(last_hash, 'genesis');
  new.hash := lantern_audit_hash(new);
  return new;
end $$;

create trigger audit_chain before insert on audit_log for each row execute function lantern_audit_chain();

create function lantern_audit_append_only() returns trigger
language plpgsql as $$
begin
  raise exception 'audit_log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
end $$;

create trigger audit_no_update before update or delete on audit_log for each row execute function lantern_audit_append_only();
create trigger audit_no_truncate before truncate on audit_log for each statement execute function lantern_audit_append_only();

grant select, insert on audit_log to lantern_app;
revoke update, delete, truncate on audit_log from lantern_app;
grant usage, select on sequence audit_log_id_seq to lantern_app;
