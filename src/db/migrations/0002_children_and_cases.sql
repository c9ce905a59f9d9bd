-- Children and the records later modules build on: referrals, missing episodes, persons of
-- concern, other entities (places, vehicles, phones…) and the links between them.

create table children (
  id uuid primary key,
  reference text not null unique,
  owning_agency_id uuid not null references agencies(id),
  given_name text,
  family_name text,
  other_names text,
  date_of_birth date,
  sex text not null default 'unknown' check (sex in ('female','male','other','unknown')),
  gender_identity text,
  ethnicity text,
  nhs_number text check (nhs_number ~ '^[0-9]{10}$'),
  upn text,
  first_language text,
  send_status text not null default 'unknown' check (send_status in ('none','sen_support','ehcp','unknown')),
  disability boolean,
  looked_after boolean not null default false,
  placing_authority text,
  placement_type text,
  out_of_area boolean not null default false,
  school_agency_id uuid references agencies(id),
  home_address text,
  home_postcode text,
  placement_address text,
  placement_postcode text,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index children_family_name on children(lower(family_name));
create index children_dob on children(date_of_birth);
create index children_school on children(school_agency_id);

create table referrals (
  id uuid primary key,
  reference text not null unique,
  kind text not null default 'child' check (kind in ('child','unknown_child','intelligence')),
  child_id uuid references children(id),
  unknown_child_description text,
  referrer_user_id uuid references users(id),
  referrer_agency_id uuid not null references agencies(id),
  received_at timestamptz not null,
  concern_types text[] not null,
  urgency text not null check (urgency in ('immediate','high','medium','low')),
  indicators text[] not null default '{}',
  what_happened text not null,
  child_voice text,
  child_wishes text,
  status text not null default 'awaiting_screening'
    check (status in ('awaiting_screening','in_screening','decided','withdrawn')),
  screening_due_at timestamptz,
  decision text check (decision in ('no_further_action','single_agency','strategy_discussion','mace','nrm_referral')),
  decision_rationale text,
  decided_by uuid references users(id),
  decided_at timestamptz,
  idempotency_key text unique,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index referrals_child on referrals(child_id);
create index referrals_status on referrals(status, screening_due_at);

create table missing_episodes (
  id uuid primary key,
  child_id uuid not null references children(id),
  reported_by_agency_id uuid not null references agencies(id),
  kind text not null default 'missing' check (kind in ('missing','absent')),
  missing_from text,
  started_at timestamptz not null,
  reported_at timestamptz,
  ended_at timestamptz,
  found_location text,
  found_with text,
  risk text check (risk in ('high','medium','low')),
  police_reference text,
  rhi_status text not null default 'not_due'
    check (rhi_status in ('not_due','due','offered','completed','declined','not_completed')),
  rhi_offered_at timestamptz,
  rhi_completed_at timestamptz,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  check (ended_at is null or ended_at >= started_at)
);
create index missing_child on missing_episodes(child_id, started_at);

create table persons_of_concern (
  id uuid primary key,
  reference text not null unique,
  owning_agency_id uuid not null references agencies(id),
  given_name text,
  family_name text,
  aliases text[] not null default '{}',
  date_of_birth date,
  estimated_age integer,
  sex text not null default 'unknown' check (sex in ('female','male','other','unknown')),
  ethnicity text,
  description text,
  registered_sex_offender boolean not null default false,
  version integer not null default 1,
  created_at timestamptz not null default now()
);

-- Places, vehicles, phones, online accounts, organisations.
create table entities (
  id uuid primary key,
  kind text not null check (kind in ('location','vehicle','phone','online_account','organisation')),
  label text not null,
  subtype text,
  attributes jsonb not null default '{}'::jsonb,
  owning_agency_id uuid not null references agencies(id),
  created_at timestamptz not null default now()
);

-- A link between any two things Lantern knows (child, person, entity), with provenance and grading.
create table links (
  id uuid primary key,
  from_kind text not null check (from_kind in ('child','person','entity')),
  from_id uuid not null,
  to_kind text not null check (to_kind in ('child','person','entity')),
  to_id uuid not null,
  link_type text not null,
  valid_from date,
  valid_to date,
  source_agency_id uuid not null references agencies(id),
  provenance text,
  grading text check (grading is null or grading ~ '^[1-3][A-E][PC]$'),
  derived boolean not null default false,
  created_at timestamptz not null default now()
);
create index links_from on links(from_kind, from_id);
create index links_to on links(to_kind, to_id);

-- A user's legitimate relationship to a child: the basis of access (see the access module).
create table relationships (
  id uuid primary key,
  user_id uuid not null references users(id),
  child_id uuid not null references children(id),
  kind text not null check (kind in ('allocated_worker','screening_participant','mace_panel','referrer','break_glass')),
  reason text not null,
  starts_at timestamptz not null default now(),
  ends_at timestamptz,
  created_at timestamptz not null default now()
);
create index relationships_user_child on relationships(user_id, child_id);
create index relationships_child on relationships(child_id);
