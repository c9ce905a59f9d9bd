-- Referrals, joint screening and exploitation risk assessment (issue 5).
-- 1. Referrals (table from 0002) gain what the referral journey records: the source, the unknown
--    child's description, SEND, disability, looked-after status, the child's wishes about the
--    worker, the deadline rule, withdrawal with a reason and escalation.
-- 2. Persons of concern as the referrer described them (often only a description).
-- 3. Joint screening: participants, each agency's contribution, escalations, settings.
-- 4. Referral drafts (question-page journey kept server-side), reference counters.
-- 5. Risk assessments (versioned tool, score, level, explanation, override, review date).
-- Row-level security on every table holding child data, as in 0003.

alter table referrals
  add column source text not null default 'professional'
    check (source in ('professional','public_via_practitioner')),
  add column public_source_details text,
  add column unknown_child_age integer check (unknown_child_age between 0 and 17),
  add column unknown_child_sex text check (unknown_child_sex in ('female','male','other','unknown')),
  add column send_status text check (send_status in ('none','sen_support','ehcp','suspected','unknown')),
  add column disability text check (disability in ('yes','no','unknown')),
  add column disability_details text,
  add column looked_after text check (looked_after in ('yes','no','unknown')),
  add column worker_gender_preference text
    check (worker_gender_preference in ('female','male','no_preference','not_asked')),
  add column parents_aware text check (parents_aware in ('yes','no','not_safe','not_applicable')),
  add column deadline_rule jsonb,
  add column screening_started_at timestamptz,
  add column withdrawn_reason text,
  add column withdrawn_by uuid references users(id),
  add column withdrawn_at timestamptz,
  add column escalation_level integer not null default 0,
  add column escalated_at timestamptz,
  add column request_hash text,
  add column lead_professional_id uuid references users(id),
  add constraint referrals_decision_recorded
    check (status <> 'decided' or (decision is not null and decision_rationale is not null and decided_at is not null)),
  add constraint referrals_kind_fits
    check ((kind = 'child') = (child_id is not null) or kind = 'unknown_child' and child_id is not null);
create index referrals_referrer on referrals(referrer_user_id, received_at);

-- Nothing drops silently: a withdrawn referral carries a reason and who withdrew it. Checked at
-- commit (a constraint trigger), so a bulk load may fill the reason later in the same transaction.
create function lantern_referral_ending_recorded() returns trigger
language plpgsql as $$
begin
  if new.status = 'withdrawn' and (new.withdrawn_reason is null or length(trim(new.withdrawn_reason)) = 0) then
    raise exception 'referral % was withdrawn without a reason', new.reference using errcode = 'check_violation';
  end if;
  return null;
end $$;
create constraint trigger referrals_withdrawn_reason after insert or update on referrals
  deferrable initially deferred for each row execute function lantern_referral_ending_recorded();

-- The agency that holds a child's record, looked up for row-level security policies so that a
-- manager's oversight of their own agency's children (lantern_may_see_child with an owner) also
-- covers the records about those children. Runs as its owner in the system scope (restored on
-- return), so the lookup itself is not filtered.
create function lantern_child_owner(p_child uuid) returns uuid
language sql stable security definer set search_path = public set lantern.scope = 'system' as $$
  select owning_agency_id from children where id = p_child
$$;

-- Row-level security for records about a child, fast for long histories. The same rules as
-- lantern_may_see_child (0003), arranged so the database works them out once per query rather than
-- once per row: the children the user is related to (relationship or break-glass) as an
-- uncorrelated sub-select, which PostgreSQL evaluates once and hashes; manager oversight of their
-- own agency's children by the child's owner.
create function lantern_related_child_ids() returns setof uuid
language sql stable as $$
  select r.child_id from relationships r
  where r.user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
    and r.starts_at <= now() and (r.ends_at is null or r.ends_at > now())
  union
  select b.child_id from break_glass b
  where b.user_id = nullif(current_setting('lantern.user_id', true), '')::uuid and b.expires_at > now()
$$;

create function lantern_oversees(p_child uuid) returns boolean
language sql stable as $$
  select coalesce(current_setting('lantern.oversight', true), '') = 'on'
    and lantern_child_owner(p_child) = nullif(current_setting('lantern.agency_id', true), '')::uuid
$$;

-- Referrals (policy from 0003): the same rules, in the faster form, with manager oversight by owner.
alter policy referrals_access on referrals
  using (
    coalesce(current_setting('lantern.scope', true), '') = 'system'
    or referrer_user_id = nullif(current_setting('lantern.user_id', true), '')::uuid
    or (coalesce(current_setting('lantern.scope', true), '') = 'signpost' and child_id is not null)
    or (coalesce(current_setting('lantern.scope', true), '') = 'user' and (
      coalesce(current_setting('lantern.screening', true), '') = 'on'
      or child_id in (select lantern_related_child_ids())
      or (child_id is not null and lantern_oversees(child_id)))));

-- Visibility of a referral's dependants follows the referral's own row-level security.
create function lantern_may_see_referral(p_referral uuid) returns boolean
language sql stable as $$
  select exists (select 1 from referrals r where r.id = p_referral)
$$;

create table referral_persons (
  id uuid primary key,
  referral_id uuid not null references referrals(id),
  position integer not null,
  name text,
  description text,
  approximate_age integer check (approximate_age between 10 and 100),
  sex text not null default 'unknown' check (sex in ('female','male','other','unknown')),
  ethnicity text,
  vehicles text[] not null default '{}',
  phones text[] not null default '{}',
  places text[] not null default '{}',
  online_accounts text[] not null default '{}',
  relationship_to_child text,
  person_id uuid references persons_of_concern(id),
  created_at timestamptz not null default now(),
  unique (referral_id, position),
  check (coalesce(nullif(trim(name), ''), nullif(trim(description), '')) is not null)
);
alter table referral_persons enable row level security;
alter table referral_persons force row level security;
create policy referral_persons_access on referral_persons
  using (coalesce(current_setting('lantern.scope', true), '') = 'system' or lantern_may_see_referral(referral_id))
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

-- Screeners working a referral (a referral with no child has no relationship to carry this).
create table screening_participants (
  referral_id uuid not null references referrals(id),
  user_id uuid not null references users(id),
  agency_id uuid not null references agencies(id),
  joined_at timestamptz not null,
  primary key (referral_id, user_id)
);
alter table screening_participants enable row level security;
alter table screening_participants force row level security;
create policy screening_participants_access on screening_participants
  using (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or (coalesce(current_setting('lantern.screening', true), '') = 'on' and lantern_may_see_referral(referral_id))
    or user_id = nullif(current_setting('lantern.user_id', true), '')::uuid)
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

-- Each agency's contribution to joint screening. An agency writes only its own; a correction is a
-- new row pointing at the one it replaces. The detail belongs to the agency's field group (police →
-- police_intelligence, health → health, education → education, others → narrative); the summary
-- for partners is narrative.
create table screening_contributions (
  id uuid primary key,
  referral_id uuid not null references referrals(id),
  child_id uuid references children(id),
  agency_id uuid not null references agencies(id),
  author_id uuid not null references users(id),
  discipline text not null check (discipline in ('police','health','education','social_care','youth_justice','voluntary','other')),
  field_group text not null check (field_group in ('police_intelligence','health','education','narrative')),
  checks_made text[] not null default '{}',
  findings text not null,
  shared_summary text not null,
  risk_view text not null check (risk_view in ('low','medium','high','very_high','not_assessed')),
  supersedes_id uuid references screening_contributions(id),
  recorded_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index screening_contributions_referral on screening_contributions(referral_id, recorded_at);
create index screening_contributions_child on screening_contributions(child_id, recorded_at);
create unique index screening_contributions_one_correction on screening_contributions(supersedes_id)
  where supersedes_id is not null;
alter table screening_contributions enable row level security;
alter table screening_contributions force row level security;
-- Not the referrer: only the screening team and those with a legitimate relationship to the child.
create policy screening_contributions_access on screening_contributions
  using (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or (coalesce(current_setting('lantern.scope', true), '') = 'signpost' and child_id is not null)
    or (coalesce(current_setting('lantern.scope', true), '') = 'user' and (
      coalesce(current_setting('lantern.screening', true), '') = 'on'
      or child_id in (select lantern_related_child_ids())
      or (child_id is not null and lantern_oversees(child_id)))))
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

-- Overdue referrals escalated by the escalation job, and whom it told.
create table referral_escalations (
  id uuid primary key,
  referral_id uuid not null references referrals(id),
  level integer not null check (level between 1 and 3),
  escalated_at timestamptz not null,
  overdue_minutes integer not null,
  reason text not null,
  notified_user_ids uuid[] not null default '{}',
  acknowledged_by uuid references users(id),
  acknowledged_at timestamptz,
  unique (referral_id, level)
);
alter table referral_escalations enable row level security;
alter table referral_escalations force row level security;
create policy referral_escalations_access on referral_escalations
  using (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or (coalesce(current_setting('lantern.scope', true), '') = 'user'
        and coalesce(current_setting('lantern.screening', true), '') = 'on')
    or nullif(current_setting('lantern.user_id', true), '')::uuid = any(notified_user_ids))
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

-- The referral journey's answers, kept server-side until "Check your answers" submits them.
create table referral_drafts (
  id uuid primary key,
  user_id uuid not null references users(id),
  data jsonb not null default '{}'::jsonb,
  submitted_referral_id uuid references referrals(id),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index referral_drafts_user on referral_drafts(user_id, updated_at);
alter table referral_drafts enable row level security;
alter table referral_drafts force row level security;
create policy referral_drafts_owner on referral_drafts
  using (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or user_id = nullif(current_setting('lantern.user_id', true), '')::uuid)
  with check (coalesce(current_setting('lantern.scope', true), '') = 'system'
    or user_id = nullif(current_setting('lantern.user_id', true), '')::uuid);

-- Screening deadlines and working hours (one row; defaults live in code until an administrator saves).
create table screening_settings (
  id integer primary key default 1 check (id = 1),
  settings jsonb not null,
  version integer not null default 1,
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

-- Human references (REF-2026-000123, RA-2026-000045): the next number per prefix and year. The
-- function runs as its owner in the system scope, so it counts every row, not just those the
-- caller may see, and starts after the highest reference already present (e.g. demo data).
create table reference_counters (
  prefix text not null,
  year integer not null,
  last integer not null,
  primary key (prefix, year)
);

-- Exploitation risk assessments: the tool and version used, the answers, the score and level the
-- tool computed, the level after professional judgement (with a reason when it differs), the
-- explanation, CIN census factors and the review date.
create table risk_assessments (
  id uuid primary key,
  reference text unique,
  child_id uuid not null references children(id),
  referral_id uuid references referrals(id),
  author_id uuid not null references users(id),
  agency_id uuid not null references agencies(id),
  tool_code text not null,
  tool_version integer not null,
  status text not null default 'draft' check (status in ('draft','completed')),
  answers jsonb not null default '{}'::jsonb,
  notes jsonb not null default '{}'::jsonb,
  score integer,
  computed_level text check (computed_level in ('low','medium','high','very_high')),
  final_level text check (final_level in ('low','medium','high','very_high')),
  override_reason text,
  explanation jsonb,
  cin_factors text[] not null default '{}',
  child_view text,
  review_due_on date,
  completed_at timestamptz,
  idempotency_key text unique,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (status <> 'completed' or (reference is not null and score is not null and computed_level is not null
    and final_level is not null and completed_at is not null and review_due_on is not null)),
  check (final_level is null or final_level = computed_level or length(trim(coalesce(override_reason, ''))) > 0)
);
create index risk_assessments_child on risk_assessments(child_id, completed_at);
create index risk_assessments_review on risk_assessments(review_due_on) where status = 'completed';
alter table risk_assessments enable row level security;
alter table risk_assessments force row level security;
create policy risk_assessments_access on risk_assessments
  using (coalesce(current_setting('lantern.scope', true), '') in ('system', 'signpost')
    or (coalesce(current_setting('lantern.scope', true), '') = 'user' and (
      child_id in (select lantern_related_child_ids())
      or lantern_oversees(child_id))))
  with check (coalesce(current_setting('lantern.scope', true), '') in ('system', 'user'));

create function lantern_next_reference(p_prefix text, p_year integer) returns integer
language plpgsql security definer set search_path = public set lantern.scope = 'system' as $$
declare
  n integer;
begin
  perform pg_advisory_xact_lock(hashtext('lantern_reference:' || p_prefix));
  if not exists (select 1 from reference_counters where prefix = p_prefix and year = p_year) then
    if p_prefix = 'REF' then
      select coalesce(max(substring(reference from '([0-9]+)$')::integer), 0) into n
        from referrals where reference like 'REF-' || p_year || '-%';
    elsif p_prefix = 'RA' then
      select coalesce(max(substring(reference from '([0-9]+)$')::integer), 0) into n
        from risk_assessments where reference like 'RA-' || p_year || '-%';
    else
      n := 0;
    end if;
    insert into reference_counters (prefix, year, last) values (p_prefix, p_year, n);
  end if;
  update reference_counters set last = last + 1 where prefix = p_prefix and year = p_year returning last into n;
  return n;
end $$;
