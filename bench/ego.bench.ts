// `npm run bench ego`: the link chart API's 2-hop ego network of a person of concern, in the demo
// county scaled to 100,000 children, on PostgreSQL. The bench makes its own database
// (lantern_bench_ego), seeds it with `lantern demo seed --children 100000`, runs the derived-links
// job once, then times GET /api/v1/network/chart?centre=person:<id>&radius=2 over real HTTP (a
// listening server, keep-alive fetch) for persons of concern across the county, signed in as the
// demo's police analyst. Target: p95 < 50 ms. It also times the service call without HTTP.
//
// Environment: BENCH_PG (server URL, default postgres://postgres@127.0.0.1:5432/test — only the
// host and credentials are used), EGO_CHILDREN (default 100000), EGO_REQUESTS (default 600),
// EGO_REUSE=1 to keep an already seeded lantern_bench_ego.
import { spawnSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import pg from "pg";
import { buildHttp, openApp } from "../src/boot.ts";
import { deriveLinks } from "../src/modules/intelligence/index.ts";
import { intelligenceServices } from "../src/modules/intelligence/services.ts";
import { loadConfig } from "../src/platform/config.ts";
import { createLogger } from "../src/platform/logger.ts";

const here = dirname(fileURLToPath(import.meta.url));
const BASE = process.env.BENCH_PG ?? "postgres://postgres@127.0.0.1:5432/test";
const DB_NAME = "lantern_bench_ego";
const CHILDREN = Number(process.env.EGO_CHILDREN ?? 100_000);
const REQUESTS = Number(process.env.EGO_REQUESTS ?? 600);
const REUSE = process.env.EGO_REUSE === "1";
const url = new URL(BASE);
url.pathname = `/${DB_NAME}`;
const DATABASE_URL = url.toString();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function prepareDatabase(): Promise<boolean> {
  const admin = new pg.Client({ connectionString: BASE });
  await admin.connect();
  const exists = (await admin.query("select 1 from pg_database where datname = $1", [DB_NAME])).rowCount! > 0;
  if (exists && REUSE) {
    await admin.end();
    return false;
  }
  if (exists) await admin.query(`drop database ${DB_NAME} with (force)`);
  await admin.query(`create database ${DB_NAME}`);
  await admin.end();
  return true;
}

async function main() {
  console.log(
    `ego bench: 2-hop ego network API on PostgreSQL, demo county of ${CHILDREN.toLocaleString("en-GB")} children`,
  );
  const fresh = await prepareDatabase();
  if (fresh) {
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [join(here, "..", "bin", "lantern.js"), "demo", "seed", "--children", String(CHILDREN), "--seed", "1"],
      { env: { ...process.env, DATABASE_URL, LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "inherit"] },
    );
    if (r.status !== 0) throw new Error(`demo seed failed (exit ${r.status})`);
    console.log(
      `seeded ${DB_NAME} in ${((performance.now() - t0) / 1000).toFixed(1)} s (lantern demo seed --children ${CHILDREN})`,
    );
  } else console.log(`reusing ${DB_NAME} (EGO_REUSE=1)`);

  const config = loadConfig({
    ...process.env,
    DATABASE_URL,
    LOG_LEVEL: "silent",
    HOST: "127.0.0.1",
  });
  const app = await openApp(config, { logger: createLogger("silent") });
  const t1 = performance.now();
  const derived = await deriveLinks(app.db, app.clock);
  console.log(
    `derived-links job: ${((performance.now() - t1) / 1000).toFixed(2)} s (${derived.missing_together} missing together, ${derived.found_at_place} found at a place, ${derived.phone_in_referral} phone in referral)`,
  );
  const counts = await app.db
    .selectNoFrom((eb) => [
      eb.selectFrom("children").select(eb.fn.countAll<number>().as("n")).as("children"),
      eb.selectFrom("persons_of_concern").select(eb.fn.countAll<number>().as("n")).as("persons"),
      eb.selectFrom("entities").select(eb.fn.countAll<number>().as("n")).as("entities"),
      eb.selectFrom("links").select(eb.fn.countAll<number>().as("n")).as("links"),
    ])
    .executeTakeFirstOrThrow();
  console.log(
    `database: ${Number(counts.children).toLocaleString("en-GB")} children, ${Number(counts.persons).toLocaleString("en-GB")} persons of concern, ${Number(counts.entities).toLocaleString("en-GB")} entities, ${Number(counts.links).toLocaleString("en-GB")} links`,
  );

  const server = await buildHttp(app);
  await server.listen({ port: 0, host: "127.0.0.1" });
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;

  // Sign in as the demo's police analyst (a real session cookie).
  const analyst = await app.db
    .selectFrom("users")
    .innerJoin("agencies", "agencies.id", "users.agency_id")
    .select([
      "users.email",
      "users.id",
      "users.agency_id",
      "users.display_name",
      "agencies.name",
      "agencies.kind",
      "users.roles",
    ])
    .where("agencies.kind", "=", "police")
    .where(sql<boolean>`'analyst' = any(users.roles)`)
    .orderBy("users.email")
    .executeTakeFirstOrThrow();
  const signin = await fetch(`${origin}/sign-in`);
  const anon = /lantern_anon=([^;]+)/.exec(signin.headers.get("set-cookie") ?? "")?.[1] ?? "";
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signin.text())?.[1] ?? "";
  const login = await fetch(`${origin}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: `lantern_anon=${anon}` },
    body: new URLSearchParams({ _csrf: csrf, email: analyst.email, password: "lantern-demo" }).toString(),
  });
  const session = /lantern_session=([^;]+)/.exec(login.headers.get("set-cookie") ?? "")?.[1];
  if (!session) throw new Error(`sign-in failed (${login.status})`);
  const cookie = `lantern_session=${session}`;

  // Persons of concern across the county (every one when fewer than the request count).
  const persons = (
    await app.db.selectFrom("persons_of_concern").select("id").orderBy("reference").execute()
  ).map((p) => p.id);
  const order: string[] = [];
  for (let i = 0; order.length < REQUESTS; i++) order.push(persons[(i * 7919) % persons.length]);

  const call = async (id: string) => {
    const t = performance.now();
    const r = await fetch(`${origin}/api/v1/network/chart?centre=person:${id}&radius=2`, {
      headers: { cookie, accept: "application/json" },
    });
    const body = (await r.json()) as { nodes: unknown[]; edges: unknown[] };
    if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${JSON.stringify(body).slice(0, 200)}`);
    return { ms: performance.now() - t, nodes: body.nodes.length, edges: body.edges.length };
  };
  for (const id of order.slice(0, 30)) await call(id); // warm-up
  // Baseline: the cheapest signed-in API call (session lookup, headers, JSON), for the HTTP overhead.
  const base: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    const r = await fetch(`${origin}/api/v1/session`, { headers: { cookie, accept: "application/json" } });
    await r.text();
    base.push(performance.now() - t);
  }
  const times: number[] = [];
  const sizes: number[] = [];
  const edges: number[] = [];
  const t2 = performance.now();
  for (const id of order) {
    const r = await call(id);
    times.push(r.ms);
    sizes.push(r.nodes);
    edges.push(r.edges);
  }
  const wall = performance.now() - t2;
  const p95 = pct(times, 95);
  console.log(
    `HTTP GET /api/v1/network/chart radius=2: ${times.length} requests over ${persons.length} persons of concern, ${(times.length / (wall / 1000)).toFixed(0)} req/s`,
  );
  console.log(
    `  latency p50 ${ms(pct(times, 50))}  p95 ${ms(p95)}  p99 ${ms(pct(times, 99))}  max ${ms(Math.max(...times))}  mean ${ms(times.reduce((a, b) => a + b, 0) / times.length)}`,
  );
  console.log(
    `  ego size: nodes p50 ${pct(sizes, 50)}, p95 ${pct(sizes, 95)}, max ${Math.max(...sizes)}; links p50 ${pct(edges, 50)}, max ${Math.max(...edges)}`,
  );

  console.log(
    `  baseline GET /api/v1/session over the same HTTP: p50 ${ms(pct(base, 50))}  p95 ${ms(pct(base, 95))}`,
  );
  // The service call alone (no HTTP, no JSON).
  const s = intelligenceServices(app);
  const user = {
    id: analyst.id,
    email: analyst.email,
    displayName: analyst.display_name,
    agencyId: analyst.agency_id,
    agencyName: analyst.name,
    agencyKind: analyst.kind,
    roles: analyst.roles as never,
    sessionId: "bench",
  };
  const actor = { userId: analyst.id, agencyId: analyst.agency_id, requestId: null, ip: null };
  const svc: number[] = [];
  for (const id of order.slice(0, Math.min(300, order.length))) {
    const t = performance.now();
    await s.network.chart(user, actor, {
      centre: [{ kind: "person", id }],
      radius: 2,
      expand: [],
      types: [],
      links: [],
      derived: "include",
    });
    svc.push(performance.now() - t);
  }
  console.log(
    `service call NetworkService.chart: p50 ${ms(pct(svc, 50))}  p95 ${ms(pct(svc, 95))}  p99 ${ms(pct(svc, 99))}`,
  );
  console.log(
    `machine load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} on ${availableParallelism()} cores`,
  );
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  console.log(`target p95 < 50 ms: ${p95 < 50 ? "met" : "NOT met"} (p95 ${ms(p95)})`);
  await server.close();
  await app.database.close();
  if (p95 >= 50) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
