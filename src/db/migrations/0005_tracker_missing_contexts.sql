-- Following children at risk (issue 9):
-- 1. The MACE cohort (the multi-agency vulnerability tracker): panel members, cohort entries and
--    their reviews, plan goals and actions (for a child or for a context), action updates.
-- 2. Meetings (MACE panels, strategy discussions): agenda items, attendance, minutes, decisions.
-- 3. Missing episodes: extra details on missing_episodes (from 0002), return-home interviews.
-- 4. Looked-after children: placements and out-of-area notifications to the host authority.
-- 5. Contexts (contextual safeguarding): peer groups, places, online spaces; the children linked
--    to them; context assessments. Plans and actions aimed at a context use plan_goals/plan_actions.
-- 6. Alerts raised by the jobs (RHI due/overdue, actions overdue, reviews due, missing now).
-- Every table holding a child's data has FORCE ROW LEVEL SECURITY through lantern_may_see_child.

-- ---------- the MACE panel ----------
-- Members hold a 'mace_panel' relationship to every child in the cohort (DESIGN.md: a legitimate
-- relationship), created when a child joins and ended when the child leaves or the member stands down.
create table mace_panel_members (
  id uuid primary key,
  user_id uuid not null references users(id),
  added_by uuid references users(id),
  added_at timestamptz not null,
  ended_at timestamptz
);
create unique index mace_panel_current on mace_panel_members(user_id) where ended_at is null;

-- ---------- the cohort ----------
create table cohort_entries (
  id uuid primary key,
  child_id uuid not null references children(id),
  referral_id uuid references referrals(id),
  source text not null check (source in ('screening','direct')),
  reason text not null check (length(trim(reason)) >= 10),
  concern_types text[] not null default '{}',
  lead_agency_id uuid not null references agencies(id),
  lead_professional text,
  risk_level text not null check (risk_level in ('high','medium','low')),
  risk_trend text not null default 'new' check (risk_trend in ('new','increasing','stable','decreasing')),
  last_review_on date,
  next_review_on date not null,
  added_at timestamptz not null,
  added_by uuid not null references users(id),
  added_by_agency_id uuid not null references agencies(id),
  status text not null default 'open' check (status in ('open','left')),
  left_at timestamptz,
  left_by uuid references users(id),
  leaving_reason text,
  leaving_outcome text check (leaving_outcome in
    ('risk_reduced','stepped_down','moved_area','adult_services','custody','other')),
  idempotency_key text unique,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (status = 'open' or (left_at is not null and leaving_reason is not null and leaving_outcome is not null))
);
create unique index cohort_one_open_entry on cohort_entries(child_id) where status = 'open';
create index cohort_status on cohort_entries(status, next_review_on);

-- Each review or change of risk, trend, lead or review date is a new row (agencies never edit each
-- other's entries); cohort_entries keeps the latest values for the one-screen table.
create table cohort_reviews (
  id uuid primary key,
  cohort_entry_id uuid not null references cohort_entries(id),
  child_id uuid not null references children(id),
  meeting_id uuid,
  reviewed_at timestamptz not null,
  reviewed_by uuid not null references users(id),
  agency_id uuid not null references agencies(id),
  risk_level text not null check (risk_level in ('high','medium','low')),
  risk_trend text not null check (risk_trend in ('new','increasing','stable','decreasing')),
  lead_agency_id uuid not null references agencies(id),
  lead_professional text,
  next_review_on date not null,
  note text,
  created_at timestamptz not null default now()
);
create index cohort_reviews_entry on cohort_reviews(cohort_entry_id, reviewed_at);

-- ---------- contexts (before plans: actions may aim at a context) ----------
create table contexts (
  id uuid primary key,
  reference text not null unique,
  kind text not null check (kind in ('peer_group','place','online_space')),
  name text not null check (length(trim(name)) >= 3),
  description text,
  place_type text check (place_type in ('park','shop','takeaway','school','transport','address','hotel','leisure','other')),
  location text,
  postcode text,
  platform text,
  entity_id uuid references entities(id),
  risk_level text check (risk_level in ('high','medium','low')),
  status text not null default 'active' check (status in ('active','closed')),
  owning_agency_id uuid not null references agencies(id),
  created_by uuid references users(id),
  idempotency_key text unique,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index contexts_kind on contexts(kind, status);

create table context_children (
  id uuid primary key,
  context_id uuid not null references contexts(id),
  child_id uuid not null references children(id),
  how text not null,
  agency_id uuid not null references agencies(id),
  linked_by uuid references users(id),
  linked_at timestamptz not null,
  ended_at timestamptz
);
create unique index context_children_current on context_children(context_id, child_id) where ended_at is null;
create index context_children_child on context_children(child_id);

create table context_assessments (
  id uuid primary key,
  context_id uuid not null references contexts(id),
  assessed_on date not null,
  risk_level text not null check (risk_level in ('high','medium','low')),
  factors text[] not null default '{}',
  summary text not null,
  recommendations text,
  agency_id uuid not null references agencies(id),
  assessed_by uuid references users(id),
  created_at timestamptz not null default now()
);
create index context_assessments_context on context_assessments(context_id, assessed_on);

-- ---------- plans: goals and actions, for a child in the cohort or for a context ----------
create table plan_goals (
  id uuid primary key,
  cohort_entry_id uuid references cohort_entries(id),
  context_id uuid references contexts(id),
  child_id uuid references children(id),
  text text not null check (length(trim(text)) >= 3),
  status text not null default 'open' check (status in ('open','achieved','no_longer_needed')),
  agency_id uuid not null references agencies(id),
  created_by uuid references users(id),
  created_at timestamptz not null default now(),
  version integer not null default 1,
  check ((cohort_entry_id is null) <> (context_id is null)),
  check (cohort_entry_id is null or child_id is not null)
);
create index plan_goals_entry on plan_goals(cohort_entry_id);
create index plan_goals_context on plan_goals(context_id);

create table plan_actions (
  id uuid primary key,
  cohort_entry_id uuid references cohort_entries(id),
  context_id uuid references contexts(id),
  child_id uuid references children(id),
  goal_id uuid references plan_goals(id),
  text text not null check (length(trim(text)) >= 3),
  owner_agency_id uuid not null references agencies(id),
  owner_name text,
  due_on date not null,
  status text not null default 'open' check (status in ('open','in_progress','done','cancelled')),
  evidence text,
  completed_at timestamptz,
  escalation_level integer not null default 0 check (escalation_level between 0 and 2),
  escalated_at timestamptz,
  source_meeting_id uuid,
  source_minute_id uuid,
  created_by uuid references users(id),
  created_by_agency_id uuid not null references agencies(id),
  idempotency_key text unique,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by uuid references users(id),
  check ((cohort_entry_id is null) <> (context_id is null)),
  check (cohort_entry_id is null or child_id is not null)
);
create index plan_actions_entry on plan_actions(cohort_entry_id, status);
create index plan_actions_context on plan_actions(context_id);
create index plan_actions_due on plan_actions(status, due_on);
create index plan_actions_owner on plan_actions(owner_agency_id, status);

-- The history of an action: each status change or evidence note is a row.
create table action_updates (
  id uuid primary key,
  action_id uuid not null references plan_actions(id),
  child_id uuid references children(id),
  at timestamptz not null,
  user_id uuid references users(id),
  agency_id uuid references agencies(id),
  status text not null,
  note text,
  kind text not null default 'update' check (kind in ('created','update','escalated'))
);
create index action_updates_action on action_updates(action_id, at);

-- ---------- meetings ----------
create table meetings (
  id uuid primary key,
  reference text not null unique,
  kind text not null check (kind in ('mace_panel','strategy_discussion','review')),
  title text not null,
  held_at timestamptz not null,
  location text,
  chair text,
  status text not null default 'planned' check (status in ('planned','held','closed')),
  owning_agency_id uuid not null references agencies(id),
  created_by uuid references users(id),
  agenda_built_at timestamptz,
  idempotency_key text unique,
  version integer not null default 1,
  created_at timestamptz not null default now()
);
create index meetings_held on meetings(held_at);

create table meeting_items (
  id uuid primary key,
  meeting_id uuid not null references meetings(id),
  position integer not null,
  child_id uuid not null references children(id),
  cohort_entry_id uuid references cohort_entries(id),
  reasons text[] not null default '{}',
  reason_detail text,
  created_at timestamptz not null default now(),
  unique (meeting_id, child_id)
);
create index meeting_items_child on meeting_items(child_id);

create table meeting_attendance (
  id uuid primary key,
  meeting_id uuid not null references meetings(id),
  agency_id uuid not null references agencies(id),
  person_name text not null,
  role text,
  attendance text not null check (attendance in ('present','apologies','absent')),
  recorded_by uuid references users(id),
  created_at timestamptz not null default now()
);
create index meeting_attendance_meeting on meeting_attendance(meeting_id);

create table meeting_minutes (
  id uuid primary key,
  meeting_id uuid not null references meetings(id),
  item_id uuid not null unique references meeting_items(id),
  child_id uuid not null references children(id),
  cohort_entry_id uuid references cohort_entries(id),
  summary text not null,
  child_voice text,
  risk_level text check (risk_level in ('high','medium','low')),
  risk_trend text check (risk_trend in ('new','increasing','stable','decreasing')),
  next_review_on date,
  language_flags jsonb not null default '[]'::jsonb,
  language_checked boolean not null default false,
  language_dictionary text,
  recorded_by uuid references users(id),
  agency_id uuid not null references agencies(id),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index meeting_minutes_child on meeting_minutes(child_id);

create table meeting_decisions (
  id uuid primary key,
  minute_id uuid not null references meeting_minutes(id),
  meeting_id uuid not null references meetings(id),
  child_id uuid not null references children(id),
  text text not null,
  action_id uuid references plan_actions(id),
  created_at timestamptz not null default now()
);
create index meeting_decisions_minute on meeting_decisions(minute_id);

-- ---------- missing episodes and return-home interviews ----------
alter table missing_episodes add column reported_by text;
alter table missing_episodes add column recorded_by uuid references users(id);
alter table missing_episodes add column circumstances text;
alter table missing_episodes add column return_recorded_by uuid references users(id);
alter table missing_episodes add column idempotency_key text unique;
alter table missing_episodes add column updated_at timestamptz not null default now();

-- One return-home interview record per episode, owned by the agency that offers it (usually an
-- independent service). The episode's rhi_status/rhi_offered_at/rhi_completed_at (0002) mirror it.
create table return_interviews (
  id uuid primary key,
  episode_id uuid not null unique references missing_episodes(id),
  child_id uuid not null references children(id),
  provider_agency_id uuid not null references agencies(id),
  interviewer text not null,
  independent boolean not null,
  outcome text not null check (outcome in ('offered','completed','declined','not_completed')),
  offered_at timestamptz not null,
  completed_at timestamptz,
  declined_at timestamptz,
  child_account text,
  follow_up text,
  recorded_by uuid references users(id),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (outcome <> 'completed' or completed_at is not null),
  check (outcome <> 'declined' or declined_at is not null)
);
create index return_interviews_child on return_interviews(child_id);

-- ---------- looked-after children ----------
create table placements (
  id uuid primary key,
  child_id uuid not null references children(id),
  placement_type text not null,
  placing_authority text not null,
  host_authority text,
  address text,
  postcode text,
  out_of_area boolean not null default false,
  started_on date not null,
  ended_on date,
  agency_id uuid not null references agencies(id),
  recorded_by uuid references users(id),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  check (ended_on is null or ended_on >= started_on),
  check (not out_of_area or host_authority is not null)
);
create index placements_child on placements(child_id, started_on);

create table out_of_area_notifications (
  id uuid primary key,
  placement_id uuid not null references placements(id),
  child_id uuid not null references children(id),
  host_authority text not null,
  notified_at timestamptz not null,
  method text not null check (method in ('secure_email','letter','phone','portal')),
  contact text,
  acknowledged_at timestamptz,
  reference text,
  agency_id uuid not null references agencies(id),
  recorded_by uuid references users(id),
  created_at timestamptz not null default now()
);
create index ooa_notifications_placement on out_of_area_notifications(placement_id);

-- ---------- alerts raised by the jobs ----------
create table follow_up_alerts (
  id uuid primary key,
  kind text not null check (kind in ('rhi_due','rhi_overdue','action_overdue','action_escalated','review_due','missing_now')),
  child_id uuid references children(id),
  record_type text not null,
  record_id uuid not null,
  agency_id uuid references agencies(id),
  message text not null,
  raised_at timestamptz not null,
  resolved_at timestamptz,
  dedupe_key text not null unique
);
create index follow_up_alerts_open on follow_up_alerts(kind, raised_at) where resolved_at is null;

-- ---------- row-level security ----------
-- The children the current user may see entries about, computed once per query: their active
-- relationships, unexpired break-glass grants, and (for managers' oversight) their agency's
-- children. Policies test `child_id in (select lantern_visible_child_ids())`, which PostgreSQL
-- evaluates as one hashed set per statement instead of a function call per row: the same rule as
-- lantern_may_see_child (and decideChildAccess), at a fraction of the cost on large tables.
create function lantern_visible_child_ids() returns setof uuid
language sql stable as $$
  select r.child_id from relationships r
   where r.user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
     and r.starts_at <= now() and (r.ends_at is null or r.ends_at > now())
  union
  select b.child_id from break_glass b
   where b.user_id = nullif(current_setting('lantern.user_id', true), '')::uuid and b.expires_at > now()
  union
  select c.id from children c
   where coalesce(current_setting('lantern.oversight', true), '') = 'on'
     and c.owning_agency_id = nullif(current_setting('lantern.agency_id', true), '')::uuid
$$;

-- Missing episodes (0002/0003) follow the same rule.
alter policy missing_access on missing_episodes
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end);
alter table cohort_entries enable row level security;
alter table cohort_entries force row level security;
create policy cohort_entries_access on cohort_entries
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table cohort_reviews enable row level security;
alter table cohort_reviews force row level security;
create policy cohort_reviews_access on cohort_reviews
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table plan_goals enable row level security;
alter table plan_goals force row level security;
create policy plan_goals_access on plan_goals
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id is null or child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table plan_actions enable row level security;
alter table plan_actions force row level security;
create policy plan_actions_access on plan_actions
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id is null or child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table action_updates enable row level security;
alter table action_updates force row level security;
create policy action_updates_access on action_updates
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id is null or child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table meeting_items enable row level security;
alter table meeting_items force row level security;
create policy meeting_items_access on meeting_items
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table meeting_minutes enable row level security;
alter table meeting_minutes force row level security;
create policy meeting_minutes_access on meeting_minutes
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table meeting_decisions enable row level security;
alter table meeting_decisions force row level security;
create policy meeting_decisions_access on meeting_decisions
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table return_interviews enable row level security;
alter table return_interviews force row level security;
create policy return_interviews_access on return_interviews
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table placements enable row level security;
alter table placements force row level security;
create policy placements_access on placements
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table out_of_area_notifications enable row level security;
alter table out_of_area_notifications force row level security;
create policy ooa_notifications_access on out_of_area_notifications
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table context_children enable row level security;
alter table context_children force row level security;
create policy context_children_access on context_children
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true when 'signpost' then true
           when 'user' then child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

alter table follow_up_alerts enable row level security;
alter table follow_up_alerts force row level security;
create policy follow_up_alerts_access on follow_up_alerts
  using (case coalesce(current_setting('lantern.scope', true), '')
           when 'system' then true
           when 'user' then child_id is null or child_id in (select lantern_visible_child_ids())
           else false end)
  with check (coalesce(current_setting('lantern.scope', true), '') = 'system');
