// Identity queries: users, agencies, sessions, sign-in attempts. No rules here.
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";

export const findUserByEmail = (db: Kysely<DB>, email: string) =>
  db
    .selectFrom("users")
    .innerJoin("agencies", "agencies.id", "users.agency_id")
    .select([
      "users.id",
      "users.email",
      "users.display_name",
      "users.password_hash",
      "users.roles",
      "users.active",
      "users.agency_id",
      "agencies.name as agency_name",
      "agencies.kind as agency_kind",
    ])
    .where("users.email", "=", email)
    .executeTakeFirst();

export const findSession = (db: Kysely<DB>, id: string) =>
  db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .innerJoin("agencies", "agencies.id", "users.agency_id")
    .select([
      "sessions.id as session_id",
      "sessions.created_at",
      "sessions.last_seen_at",
      "sessions.expires_at",
      "users.id",
      "users.email",
      "users.display_name",
      "users.roles",
      "users.active",
      "users.agency_id",
      "agencies.name as agency_name",
      "agencies.kind as agency_kind",
    ])
    .where("sessions.id", "=", id)
    .executeTakeFirst();

export const insertSession = (
  db: Kysely<DB>,
  s: {
    id: string;
    user_id: string;
    expires_at: Date;
    ip: string | null;
    user_agent: string | null;
    now: Date;
  },
) =>
  db
    .insertInto("sessions")
    .values({
      id: s.id,
      user_id: s.user_id,
      expires_at: s.expires_at,
      ip: s.ip,
      user_agent: s.user_agent,
      created_at: s.now,
      last_seen_at: s.now,
    })
    .execute();

export const touchSession = (db: Kysely<DB>, id: string, now: Date) =>
  db.updateTable("sessions").set({ last_seen_at: now }).where("id", "=", id).execute();

export const deleteSession = (db: Kysely<DB>, id: string) =>
  db.deleteFrom("sessions").where("id", "=", id).execute();

export const recordAttempt = (
  db: Kysely<DB>,
  a: { email: string; ip: string | null; success: boolean; at: Date },
) => db.insertInto("login_attempts").values(a).execute();

export const countFailures = async (db: Kysely<DB>, email: string, since: Date): Promise<number> => {
  const r = await db
    .selectFrom("login_attempts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("email", "=", email)
    .where("success", "=", false)
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
};

export const countIpFailures = async (db: Kysely<DB>, ip: string, since: Date): Promise<number> => {
  const r = await db
    .selectFrom("login_attempts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("ip", "=", ip)
    .where("success", "=", false)
    .where("at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
};
