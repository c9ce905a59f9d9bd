// Sign-in, sessions and sign-out. Passwords are argon2id; sessions live in the database and the
// browser holds only a random token. Throttling is per email and per address, kept in the
// database so every process sees it; the answer never reveals whether an email exists.
import { hash, verify } from "@node-rs/argon2";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import type { Clock } from "../../platform/clock.ts";
import { TooManyRequests, Unauthenticated } from "../../platform/errors.ts";
import { newToken, sha256 } from "../../platform/ids.ts";
import * as q from "./identity.queries.ts";
import { isRole, type Role } from "./roles.ts";

export const MAX_FAILURES_PER_EMAIL = 10;
export const MAX_FAILURES_PER_IP = 100;
export const THROTTLE_WINDOW_MINUTES = 15;
export const BAD_CREDENTIALS = "Enter a correct email address and password";

const ARGON2ID = 2; // @node-rs/argon2 Algorithm.Argon2id (a const enum, so spelled out here)
export const hashPassword = (password: string): Promise<string> =>
  hash(password, { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 });

// Verified against when the email is unknown, so both paths cost the same time.
let decoyHash: Promise<string> | undefined;
const decoy = () => {
  decoyHash ??= hashPassword(newToken());
  return decoyHash;
};

export type SessionSettings = { idleMinutes: number; absoluteHours: number };

export type LoadedSession = {
  sessionId: string;
  user: {
    id: string;
    email: string;
    displayName: string;
    agencyId: string;
    agencyName: string;
    agencyKind: string;
    roles: Role[];
  };
  idleExpiresAt: Date;
};

export class IdentityService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly settings: SessionSettings,
  ) {}

  /** Returns the session token for the cookie. Throws Unauthenticated or TooManyRequests. */
  async signIn(email: string, password: string, meta: { ip: string | null; userAgent: string | null }) {
    const now = this.clock.now();
    const since = new Date(now.getTime() - THROTTLE_WINDOW_MINUTES * 60_000);
    const [byEmail, byIp] = await Promise.all([
      q.countFailures(this.db, email, since),
      meta.ip ? q.countIpFailures(this.db, meta.ip, since) : Promise.resolve(0),
    ]);
    if (byEmail >= MAX_FAILURES_PER_EMAIL || byIp >= MAX_FAILURES_PER_IP) {
      await q.recordAttempt(this.db, { email, ip: meta.ip, success: false, at: now });
      throw new TooManyRequests(
        `Too many attempts to sign in. Wait ${THROTTLE_WINDOW_MINUTES} minutes, then try again.`,
        THROTTLE_WINDOW_MINUTES * 60,
      );
    }
    const user = await q.findUserByEmail(this.db, email);
    const ok = user
      ? await verify(user.password_hash, password).catch(() => false)
      : await verify(await decoy(), password).catch(() => false);
    if (!user || !ok || !user.active) {
      await q.recordAttempt(this.db, { email, ip: meta.ip, success: false, at: now });
      throw new Unauthenticated(BAD_CREDENTIALS);
    }
    await q.recordAttempt(this.db, { email, ip: meta.ip, success: true, at: now });
    const token = newToken();
    await q.insertSession(this.db, {
      id: sha256(token),
      user_id: user.id,
      expires_at: new Date(now.getTime() + this.settings.absoluteHours * 3_600_000),
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
      now,
    });
    return { token, userId: user.id };
  }

  /** The signed-in user for a cookie token, or null (unknown, idle too long, past its absolute end). */
  async load(token: string): Promise<LoadedSession | null> {
    const id = sha256(token);
    const s = await q.findSession(this.db, id);
    if (!s) return null;
    const now = this.clock.now();
    const idleLimit = this.settings.idleMinutes * 60_000;
    if (!s.active || s.expires_at <= now || now.getTime() - s.last_seen_at.getTime() > idleLimit) {
      await q.deleteSession(this.db, id);
      return null;
    }
    if (now.getTime() - s.last_seen_at.getTime() > 30_000) await q.touchSession(this.db, id, now);
    return {
      sessionId: id,
      user: {
        id: s.id,
        email: s.email,
        displayName: s.display_name,
        agencyId: s.agency_id,
        agencyName: s.agency_name,
        agencyKind: s.agency_kind,
        roles: s.roles.filter(isRole),
      },
      idleExpiresAt: new Date(now.getTime() + idleLimit),
    };
  }

  async signOut(sessionId: string): Promise<void> {
    await q.deleteSession(this.db, sessionId);
  }
}

/**
 * Re-authentication before an export or an approval: true when `password` is the user's own.
 * (Not throttled like sign-in: the user is already signed in, and every attempt is audited by
 * the caller.)
 */
export async function passwordConfirmed(db: Kysely<DB>, userId: string, password: string): Promise<boolean> {
  if (!password) return false;
  const row = await db
    .selectFrom("users")
    .select("password_hash")
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!row) return false;
  return verify(row.password_hash, password).catch(() => false);
}
