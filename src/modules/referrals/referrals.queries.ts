// Referral and joint screening queries (Kysely). No rules here: callers pass a transaction already
// scoped by the access module (row-level security) and decide what may be shown.
import "./referrals.tables.ts";
import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";

export type Db = Kysely<DB>;

export const referralColumns = [
  "referrals.id",
  "referrals.reference",
  "referrals.kind",
  "referrals.child_id",
  "referrals.unknown_child_description",
  "referrals.unknown_child_age",
  "referrals.unknown_child_sex",
  "referrals.referrer_user_id",
  "referrals.referrer_agency_id",
  "referrals.received_at",
  "referrals.concern_types",
  "referrals.urgency",
  "referrals.indicators",
  "referrals.what_happened",
  "referrals.source",
  "referrals.public_source_details",
  "referrals.child_voice",
  "referrals.child_wishes",
  "referrals.worker_gender_preference",
  "referrals.parents_aware",
  "referrals.send_status",
  "referrals.disability",
  "referrals.disability_details",
  "referrals.looked_after",
  "referrals.status",
  "referrals.screening_due_at",
  "referrals.deadline_rule",
  "referrals.screening_started_at",
  "referrals.decision",
  "referrals.decision_rationale",
  "referrals.decided_by",
  "referrals.decided_at",
  "referrals.withdrawn_reason",
  "referrals.withdrawn_by",
  "referrals.withdrawn_at",
  "referrals.escalation_level",
  "referrals.escalated_at",
  "referrals.lead_professional_id",
  "referrals.idempotency_key",
  "referrals.request_hash",
  "referrals.version",
  "referrals.created_at",
  "referrals.updated_at",
] as const;

export const getReferral = (db: Db, id: string) =>
  db.selectFrom("referrals").select(referralColumns).where("referrals.id", "=", id).executeTakeFirst();
export type ReferralRow = NonNullable<Awaited<ReturnType<typeof getReferral>>>;

export const referralByKey = (db: Db, key: string) =>
  db
    .selectFrom("referrals")
    .select(referralColumns)
    .where("referrals.idempotency_key", "=", key)
    .executeTakeFirst();

export const personsOf = (db: Db, referralIds: readonly string[]) =>
  referralIds.length
    ? db
        .selectFrom("referral_persons")
        .selectAll()
        .where("referral_id", "in", referralIds)
        .orderBy("referral_id")
        .orderBy("position")
        .execute()
    : Promise.resolve([]);
export type PersonRow = Awaited<ReturnType<typeof personsOf>>[number];

export const contributionsOf = (db: Db, referralIds: readonly string[]) =>
  referralIds.length
    ? db
        .selectFrom("screening_contributions as c")
        .innerJoin("agencies as a", "a.id", "c.agency_id")
        .innerJoin("users as u", "u.id", "c.author_id")
        .select([
          "c.id",
          "c.referral_id",
          "c.child_id",
          "c.agency_id",
          "a.name as agency_name",
          "u.display_name as author_name",
          "u.job_title as author_title",
          "c.author_id",
          "c.discipline",
          "c.field_group",
          "c.checks_made",
          "c.findings",
          "c.shared_summary",
          "c.risk_view",
          "c.supersedes_id",
          "c.recorded_at",
        ])
        .where("c.referral_id", "in", referralIds)
        .orderBy("c.recorded_at")
        .execute()
    : Promise.resolve([]);
export type ContributionRow = Awaited<ReturnType<typeof contributionsOf>>[number];

export const participantsOf = (db: Db, referralIds: readonly string[]) =>
  referralIds.length
    ? db
        .selectFrom("screening_participants as p")
        .innerJoin("users as u", "u.id", "p.user_id")
        .innerJoin("agencies as a", "a.id", "p.agency_id")
        .select([
          "p.referral_id",
          "p.user_id",
          "u.display_name",
          "a.name as agency_name",
          "a.kind as agency_kind",
          "p.joined_at",
        ])
        .where("p.referral_id", "in", referralIds)
        .orderBy("p.joined_at")
        .execute()
    : Promise.resolve([]);

/** Names and agencies of users (users and agencies carry no child data). */
export async function peopleById(db: Db, ids: readonly (string | null | undefined)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  const out = new Map<
    string,
    { name: string; title: string | null; agency: string; agencyKind: string; email: string }
  >();
  if (!wanted.length) return out;
  const rows = await db
    .selectFrom("users as u")
    .innerJoin("agencies as a", "a.id", "u.agency_id")
    .select(["u.id", "u.display_name", "u.job_title", "u.email", "a.name as agency", "a.kind"])
    .where("u.id", "in", wanted)
    .execute();
  for (const r of rows)
    out.set(r.id, {
      name: r.display_name,
      title: r.job_title,
      agency: r.agency,
      agencyKind: r.kind,
      email: r.email,
    });
  return out;
}

export async function agencyName(db: Db, id: string): Promise<string> {
  return (
    (await db.selectFrom("agencies").select("name").where("id", "=", id).executeTakeFirst())?.name ??
    "Unknown agency"
  );
}

/** Identity basics of children for queues and lists (the signpost level: name, date of birth, reference). */
export async function childBasics(db: Db, ids: readonly (string | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is string => Boolean(x)))];
  const out = new Map<
    string,
    { reference: string; name: string; dateOfBirth: string | null; sex: string; owningAgencyId: string }
  >();
  if (!wanted.length) return out;
  const rows = await db
    .selectFrom("children")
    .select(["id", "reference", "given_name", "family_name", "date_of_birth", "sex", "owning_agency_id"])
    .where("id", "in", wanted)
    .execute();
  for (const r of rows)
    out.set(r.id, {
      reference: r.reference,
      name: [r.given_name, r.family_name].filter(Boolean).join(" ") || r.reference,
      dateOfBirth: r.date_of_birth,
      sex: r.sex,
      owningAgencyId: r.owning_agency_id,
    });
  return out;
}

export const openReferrals = (db: Db) =>
  db
    .selectFrom("referrals")
    .select(referralColumns)
    .where("referrals.status", "in", ["awaiting_screening", "in_screening"])
    .orderBy("referrals.screening_due_at")
    .orderBy("referrals.received_at")
    .limit(2000)
    .execute();

export const recentlyDecided = (db: Db, since: Date) =>
  db
    .selectFrom("referrals")
    .select(referralColumns)
    .where("referrals.status", "in", ["decided", "withdrawn"])
    .where((eb) =>
      eb.or([eb("referrals.decided_at", ">=", since), eb("referrals.withdrawn_at", ">=", since)]),
    )
    .orderBy("referrals.updated_at", "desc")
    .limit(200)
    .execute();

export const referralsByReferrer = (db: Db, userId: string, limit = 100) =>
  db
    .selectFrom("referrals")
    .select(referralColumns)
    .where("referrals.referrer_user_id", "=", userId)
    .orderBy("referrals.received_at", "desc")
    .limit(limit)
    .execute();

export const nextReference = async (db: Db, prefix: "REF" | "RA", year: number): Promise<string> => {
  const r = await sql<{ n: number }>`select lantern_next_reference(${prefix}, ${year}) as n`.execute(db);
  return `${prefix}-${year}-${String(r.rows[0].n).padStart(6, "0")}`;
};

export const draftsOf = (db: Db, userId: string) =>
  db
    .selectFrom("referral_drafts")
    .select(["id", "data", "created_at", "updated_at"])
    .where("user_id", "=", userId)
    .where("submitted_referral_id", "is", null)
    .orderBy("updated_at", "desc")
    .limit(20)
    .execute();

export const getDraft = (db: Db, id: string) =>
  db.selectFrom("referral_drafts").selectAll().where("id", "=", id).executeTakeFirst();

/** Managers in the agencies that staff the joint screening team: whom escalations notify. */
export const screeningManagers = (db: Db) =>
  db
    .selectFrom("users as m")
    .select(["m.id"])
    .where("m.active", "=", true)
    .where(sql<boolean>`'manager' = any(m.roles)`)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("users as s")
          .select("s.id")
          .whereRef("s.agency_id", "=", "m.agency_id")
          .where("s.active", "=", true)
          .where(sql<boolean>`'screener' = any(s.roles)`),
      ),
    )
    .execute();

export const escalationsFor = (db: Db, userId: string) =>
  db
    .selectFrom("referral_escalations as e")
    .innerJoin("referrals as r", "r.id", "e.referral_id")
    .select([
      "e.id",
      "e.level",
      "e.escalated_at",
      "e.overdue_minutes",
      "e.reason",
      "r.id as referral_id",
      "r.reference",
      "r.urgency",
      "r.screening_due_at",
      "r.status",
    ])
    .where(sql<boolean>`${userId}::uuid = any(e.notified_user_ids)`)
    .where("r.status", "in", ["awaiting_screening", "in_screening"])
    .orderBy("e.escalated_at", "desc")
    .limit(50)
    .execute();
