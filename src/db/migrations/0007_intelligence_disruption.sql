-- Perpetrators and networks (issue 8): persons of concern, entities and links (from 0002) extended;
-- intelligence reports graded 3x5x2 with a sanitised text kept apart from the original; the
-- chart's pins and notes; disruption of adults, places and businesses, with breaches and the
-- warnings the expiry job raises.

create function lantern_intel_agency() returns uuid
language sql stable as $$ select nullif(current_setting('lantern.agency_id', true), '')::uuid $$;

create function lantern_intel_user() returns uuid
language sql stable as $$ select nullif(current_setting('lantern.user_id', true), '')::uuid $$;

create function lantern_intel_scope() returns text
language sql stable as $$ select coalesce(current_setting('lantern.scope', true), '') $$;

-- The police intelligence field group is held by police agencies (access.policy.ts GROUPS_BY_AGENCY).
create function lantern_intel_is_police() returns boolean
language sql stable as $$
  select coalesce((select kind = 'police' from agencies where id = lantern_intel_agency()), false)
$$;

-- ----- persons of concern, entities, links: more of what the inquiry found missing -----
alter table persons_of_concern
  add column disability boolean,
  add column created_by uuid references users(id),
  add column idempotency_key text unique,
  add column updated_at timestamptz not null default now();
create index persons_of_concern_names on persons_of_concern(lower(family_name), lower(given_name));

alter table entities
  add column version integer not null default 1,
  add column created_by uuid references users(id),
  add column idempotency_key text unique,
  add column updated_at timestamptz not null default now();
create index entities_kind on entities(kind, subtype);
create index entities_label on entities(lower(label));

-- ----- intelligence reports (3x5x2) -----
create sequence intelligence_report_seq;

create table intelligence_reports (
  id uuid primary key,
  reference text not null unique,
  originating_agency_id uuid not null references agencies(id),
  submitted_by uuid references users(id),
  submitted_at timestamptz not null,
  intelligence_date date,
  -- 1 reliable, 2 untested, 3 not reliable
  source_evaluation text not null check (source_evaluation in ('1','2','3')),
  -- A known directly … E suspected to be false or malicious
  intelligence_assessment text not null check (intelligence_assessment in ('A','B','C','D','E')),
  -- P lawful sharing permitted; C not outside the originating agency without its permission
  handling_code text not null check (handling_code in ('P','C')),
  handling_conditions text,
  sanitised_text text check (sanitised_text is null or length(trim(sanitised_text)) > 0),
  sanitised_by uuid references users(id),
  sanitised_at timestamptz,
  version integer not null default 1,
  idempotency_key text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index intelligence_reports_agency on intelligence_reports(originating_agency_id, submitted_at);

-- The original text, apart, so row-level security can refuse it where the sanitised text is allowed.
create table intelligence_report_originals (
  report_id uuid primary key references intelligence_reports(id) on delete cascade,
  original_text text not null check (length(trim(original_text)) > 0)
);

-- Permission from the originating agency to disseminate a C-coded report to another agency.
create table intelligence_permissions (
  id uuid primary key,
  report_id uuid not null references intelligence_reports(id) on delete cascade,
  originating_agency_id uuid not null references agencies(id),
  agency_id uuid not null references agencies(id),
  granted_by uuid references users(id),
  granted_at timestamptz not null default now(),
  conditions text,
  unique (report_id, agency_id)
);

-- What a report is about: people, children, places, vehicles, phones, accounts, organisations.
create table intelligence_report_subjects (
  id uuid primary key,
  report_id uuid not null references intelligence_reports(id) on delete cascade,
  node_kind text not null check (node_kind in ('child','person','entity')),
  node_id uuid not null,
  created_at timestamptz not null default now(),
  unique (report_id, node_kind, node_id)
);
create index intelligence_report_subjects_node on intelligence_report_subjects(node_id);

alter table links
  add column intelligence_report_id uuid references intelligence_reports(id),
  add column derived_rule text,
  add column explanation text,
  add column created_by uuid references users(id),
  add column idempotency_key text unique,
  add constraint links_derived_rule check (derived_rule is null or derived);
create index links_from_id on links(from_id);
create index links_to_id on links(to_id);
create index links_report on links(intelligence_report_id) where intelligence_report_id is not null;
create index links_derived_rule on links(derived_rule) where derived_rule is not null;

-- ----- the link chart: each analyst's pins and notes -----
create table chart_pins (
  id uuid primary key,
  user_id uuid not null references users(id),
  node_kind text not null check (node_kind in ('child','person','entity')),
  node_id uuid not null,
  note text,
  x double precision,
  y double precision,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, node_kind, node_id)
);

-- ----- disruption -----
create sequence disruption_seq;

create table disruptions (
  id uuid primary key,
  reference text not null unique,
  tactic text not null check (tactic in ('cawn','sexual_risk_order','shpo','slavery_trafficking_risk_order',
    'slavery_trafficking_prevention_order','closure_order','hotel_information_notice','licensing_review',
    'injunction','nrm_referral')),
  subject_kind text not null check (subject_kind in ('person','entity','child')),
  subject_id uuid not null,
  -- The child a notice or order protects (CAWN), or the child referred (NRM).
  child_id uuid references children(id),
  owning_agency_id uuid not null references agencies(id),
  recorded_by uuid references users(id),
  status text not null default 'in_force' check (status in ('sought','in_force','refused','ended','withdrawn')),
  applied_on date,
  starts_on date,
  expires_on date,
  ended_on date,
  conditions text,
  outcome text,
  notes text,
  version integer not null default 1,
  idempotency_key text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (expires_on is null or starts_on is null or expires_on >= starts_on),
  check (subject_kind <> 'child' or child_id = subject_id)
);
create index disruptions_subject on disruptions(subject_id);
create index disruptions_expiry on disruptions(expires_on) where status = 'in_force';

create table disruption_breaches (
  id uuid primary key,
  disruption_id uuid not null references disruptions(id),
  occurred_on date not null,
  description text not null check (length(trim(description)) > 0),
  action_taken text,
  agency_id uuid not null references agencies(id),
  recorded_by uuid references users(id),
  idempotency_key text unique,
  created_at timestamptz not null default now()
);
create index disruption_breaches_disruption on disruption_breaches(disruption_id);

create table disruption_warnings (
  id uuid primary key,
  disruption_id uuid not null references disruptions(id),
  kind text not null check (kind in ('expires_28_days','expires_7_days','expired')),
  expires_on date not null,
  created_at timestamptz not null default now(),
  unique (disruption_id, kind, expires_on)
);

-- ----- row-level security -----
alter table intelligence_reports enable row level security;
alter table intelligence_reports force row level security;
create policy intelligence_reports_read on intelligence_reports for select using (
  lantern_intel_scope() = 'system'
  or (lantern_intel_scope() = 'user' and (
    originating_agency_id = lantern_intel_agency()
    or ((handling_code = 'P' or exists (
          select 1 from intelligence_permissions p
          where p.report_id = intelligence_reports.id and p.agency_id = lantern_intel_agency()))
        and (lantern_intel_is_police()
             or (sanitised_text is not null and intelligence_assessment <> 'E'))))));
create policy intelligence_reports_insert on intelligence_reports for insert with check (
  lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and originating_agency_id = lantern_intel_agency()));
create policy intelligence_reports_update on intelligence_reports for update
  using (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and originating_agency_id = lantern_intel_agency()))
  with check (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and originating_agency_id = lantern_intel_agency()));
create policy intelligence_reports_delete on intelligence_reports for delete using (lantern_intel_scope() = 'system');

alter table intelligence_report_originals enable row level security;
alter table intelligence_report_originals force row level security;
create policy intelligence_originals_access on intelligence_report_originals
  using (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and exists (
    select 1 from intelligence_reports r where r.id = report_id
      and (r.originating_agency_id = lantern_intel_agency() or lantern_intel_is_police()))))
  with check (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and exists (
    select 1 from intelligence_reports r where r.id = report_id
      and r.originating_agency_id = lantern_intel_agency())));

alter table intelligence_permissions enable row level security;
alter table intelligence_permissions force row level security;
create policy intelligence_permissions_access on intelligence_permissions
  using (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and
    (agency_id = lantern_intel_agency() or originating_agency_id = lantern_intel_agency())))
  with check (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and originating_agency_id = lantern_intel_agency()));

alter table intelligence_report_subjects enable row level security;
alter table intelligence_report_subjects force row level security;
create policy intelligence_subjects_access on intelligence_report_subjects
  using (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and exists (
    select 1 from intelligence_reports r where r.id = report_id)))
  with check (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and exists (
    select 1 from intelligence_reports r where r.id = report_id
      and r.originating_agency_id = lantern_intel_agency())));

alter table chart_pins enable row level security;
alter table chart_pins force row level security;
create policy chart_pins_own on chart_pins
  using (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and user_id = lantern_intel_user()))
  with check (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and user_id = lantern_intel_user()));

alter table disruptions enable row level security;
alter table disruptions force row level security;
create policy disruptions_read on disruptions for select using (
  lantern_intel_scope() = 'system'
  or (lantern_intel_scope() = 'user' and (subject_kind <> 'child'
      or owning_agency_id = lantern_intel_agency()
      or lantern_may_see_child(subject_id, null))));
create policy disruptions_insert on disruptions for insert with check (
  lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and owning_agency_id = lantern_intel_agency()));
create policy disruptions_update on disruptions for update
  using (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and owning_agency_id = lantern_intel_agency()))
  with check (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and owning_agency_id = lantern_intel_agency()));

alter table disruption_breaches enable row level security;
alter table disruption_breaches force row level security;
create policy disruption_breaches_access on disruption_breaches
  using (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and exists (
    select 1 from disruptions d where d.id = disruption_id)))
  with check (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and agency_id = lantern_intel_agency()
    and exists (select 1 from disruptions d where d.id = disruption_id)));

alter table disruption_warnings enable row level security;
alter table disruption_warnings force row level security;
create policy disruption_warnings_access on disruption_warnings
  using (lantern_intel_scope() = 'system' or (lantern_intel_scope() = 'user' and exists (
    select 1 from disruptions d where d.id = disruption_id)))
  with check (lantern_intel_scope() = 'system');
