// Test harness: a real Lantern app and HTTP server on a fresh database (PGlite in memory, or a new
// PostgreSQL database when DATABASE_URL is set), plus helpers to make users and sign in.
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { type App, createApp } from "../../src/app.ts";
import { buildHttp } from "../../src/boot.ts";
import { migrate } from "../../src/db/migrator.ts";
import type { AgencyKind } from "../../src/db/schema.ts";
import { JobQueue } from "../../src/jobs/queue.ts";
import { hashPassword } from "../../src/modules/identity/identity.service.ts";
import type { Role } from "../../src/modules/identity/roles.ts";
import { type Clock, systemClock } from "../../src/platform/clock.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { newId } from "../../src/platform/ids.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { freshDatabase } from "./db.ts";

export type TestApp = {
  app: App;
  server: FastifyInstance;
  dbEnv: Record<string, string>;
  close(): Promise<void>;
};

export async function testApp(
  opts: { clock?: Clock; env?: Record<string, string>; onDisk?: boolean } = {},
): Promise<TestApp> {
  const { database, cleanup, env: dbEnv } = await freshDatabase({ onDisk: opts.onDisk });
  await migrate(database.db);
  const config = loadConfig({ DATA_DIR: ":memory:", LOG_LEVEL: "silent", ...opts.env });
  const clock = opts.clock ?? systemClock;
  const app = createApp({
    config,
    database,
    clock,
    logger: createLogger("silent"),
    jobs: new JobQueue(database.db, clock),
  });
  const server = await buildHttp(app);
  return {
    app,
    server,
    dbEnv,
    async close() {
      await server.close();
      await cleanup();
    },
  };
}

let passwordHash: Promise<string> | undefined;
export const TEST_PASSWORD = "correct horse battery staple";

export async function makeAgency(
  app: App,
  kind: AgencyKind = "police",
  name = `Test ${kind} ${newId().slice(0, 6)}`,
) {
  const id = newId();
  await app.db
    .insertInto("agencies")
    .values({ id, code: `A-${id.slice(0, 8)}`, name, kind, contact_email: null, contact_phone: null })
    .execute();
  return { id, name, kind };
}

export async function makeUser(
  app: App,
  opts: { roles?: Role[]; agencyId?: string; agencyKind?: AgencyKind; email?: string; name?: string } = {},
) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const agencyId = opts.agencyId ?? (await makeAgency(app, opts.agencyKind ?? "police")).id;
  const id = newId();
  const email = opts.email ?? `user-${id.slice(0, 8)}@test.example`;
  await app.db
    .insertInto("users")
    .values({
      id,
      agency_id: agencyId,
      email,
      display_name: opts.name ?? `Test User ${id.slice(0, 4)}`,
      job_title: null,
      team: null,
      roles: opts.roles ?? ["practitioner"],
      password_hash: await passwordHash,
    })
    .execute();
  return { id, email, agencyId };
}

/** A cookie-jar client over fastify.inject that signs in through the real sign-in page. */
export class Client {
  cookies: Record<string, string> = {};
  csrf = "";
  constructor(readonly server: FastifyInstance) {}

  private keep(r: LightMyRequestResponse) {
    for (const c of r.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === "" || (c.expires && c.expires.getTime() < Date.now())) delete this.cookies[c.name];
      else this.cookies[c.name] = c.value;
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(r.body);
    if (m) this.csrf = m[1];
    return r;
  }

  async get(url: string, headers: Record<string, string> = {}) {
    return this.keep(await this.server.inject({ method: "GET", url, cookies: this.cookies, headers }));
  }

  async form(url: string, fields: Record<string, string>, withCsrf = true) {
    return this.keep(
      await this.server.inject({
        method: "POST",
        url,
        cookies: this.cookies,
        payload: new URLSearchParams(withCsrf ? { _csrf: this.csrf, ...fields } : fields).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    );
  }

  async api(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    return this.keep(
      await this.server.inject({
        method,
        url,
        cookies: this.cookies,
        headers: { ...(this.csrf ? { "x-csrf-token": this.csrf } : {}), ...headers },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
    );
  }

  async signIn(email: string, password = TEST_PASSWORD) {
    await this.get("/sign-in");
    const r = await this.form("/sign-in", { email, password });
    if (r.statusCode === 303) {
      const s = await this.api("GET", "/api/v1/session");
      this.csrf = (s.json() as { csrfToken: string }).csrfToken;
    }
    return r;
  }
}
