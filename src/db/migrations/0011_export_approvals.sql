-- Two-person approval of bulk exports (DESIGN.md, security model: "bulk exports … need a second
-- person's approval"). An export of more children than the partnership's threshold is asked for
-- with a reason; a manager of the same agency who is not the requester approves or refuses it
-- (with their password and, to refuse, a reason); the requester then downloads it once within a
-- day. The file is built at download time from the stored request, under the requester's access
-- at that moment. No child data is stored here: the filters asked for and a count.
create table export_requests (
  id uuid primary key,
  reference text not null unique,
  kind text not null check (kind in ('tracker')),
  params jsonb not null,
  filter_text text not null,
  children integer not null check (children >= 0),
  reason text not null check (length(trim(reason)) >= 10),
  requested_by uuid not null references users(id),
  agency_id uuid not null references agencies(id),
  requested_at timestamptz not null,
  status text not null default 'pending'
    check (status in ('pending','approved','refused','downloaded')),
  decided_by uuid references users(id),
  decided_at timestamptz,
  decision_reason text,
  download_by timestamptz,
  downloaded_at timestamptz,
  version integer not null default 1,
  -- The second person is a different person: the database refuses self-approval too.
  check (decided_by is null or decided_by <> requested_by),
  check (status <> 'refused' or length(trim(coalesce(decision_reason, ''))) >= 10),
  check (status not in ('approved','downloaded') or (decided_by is not null and download_by is not null))
);
create index export_requests_agency on export_requests(agency_id, status, requested_at desc);
create index export_requests_requester on export_requests(requested_by, requested_at desc);
