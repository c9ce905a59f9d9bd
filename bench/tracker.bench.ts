// `npm run bench tracker`: the MACE tracker page with 1,000 children in the cohort, rendered by the
// real server (session, row-level security as the app role, the cohort query with action and
// missing aggregates, the audit row, Nunjucks rendering) — target < 500 ms server time. Also the
// Excel export of the same 1,000 rows (built and written with exceljs).
// Embedded PGlite by default; set DATABASE_URL=postgres://… to run against PostgreSQL (a fresh
// database is created and dropped).
import { randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { cpuUsage, resourceUsage } from "node:process";
import pg from "pg";
import { createApp } from "../src/app.ts";
import { buildHttp } from "../src/boot.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrate } from "../src/db/migrator.ts";
import { JobQueue } from "../src/jobs/queue.ts";
import { hashPassword } from "../src/modules/identity/identity.service.ts";
import { systemClock } from "../src/platform/clock.ts";
import { loadConfig } from "../src/platform/config.ts";
import { newId } from "../src/platform/ids.ts";
import { createLogger } from "../src/platform/logger.ts";

const N = Number(process.env.TRACKER_BENCH_CHILDREN ?? 1000);
const RUNS = Number(process.env.TRACKER_BENCH_RUNS ?? 25);
const PASSWORD = "bench password 1";

async function database() {
  const base = process.env.DATABASE_URL;
  if (!base)
    return {
      database: await openDatabase({ dataDir: ":memory:", DB_POOL_SIZE: 1, DATABASE_URL: undefined }),
      drop: async () => {},
    };
  const name = `lantern_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    database: await openDatabase({ dataDir: ":memory:", DB_POOL_SIZE: 5, DATABASE_URL: url.toString() }),
    drop: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

const { database: db, drop } = await database();
await migrate(db.db);
const app = createApp({
  config: loadConfig({ DATA_DIR: ":memory:", LOG_LEVEL: "silent", COOKIE_SECURE: "false" }),
  database: db,
  clock: systemClock,
  logger: createLogger("silent"),
  jobs: new JobQueue(db.db, systemClock),
});
const server = await buildHttp(app);

// ---------- data: 1,000 children in the cohort, with actions and missing episodes ----------
const t0 = performance.now();
const agencies = ["police", "social_care", "partnership", "school", "health", "voluntary"].map((kind, i) => ({
  id: newId(),
  code: `B-${i}`,
  name: `Bench ${kind.replace("_", " ")} agency`,
  kind: kind as "police",
  contact_email: null,
  contact_phone: null,
}));
await app.db.insertInto("agencies").values(agencies).execute();
const userId = newId();
await app.db
  .insertInto("users")
  .values({
    id: userId,
    agency_id: agencies[2].id,
    email: "coordinator@bench.example",
    display_name: "Bench Coordinator",
    job_title: null,
    team: null,
    roles: ["mace_coordinator"],
    password_hash: await hashPassword(PASSWORD),
  })
  .execute();
const day = (d: number) => new Date(Date.now() + d * 86_400_000);
const iso = (d: number) => day(d).toISOString().slice(0, 10);
let r = 1;
const rand = () => {
  r = (r * 1103515245 + 12345) % 2147483648;
  return r / 2147483648;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const NAMES = ["Ava", "Kai", "Leah", "Jordan", "Maya", "Ellis", "Noah", "Zara", "Theo", "Amira"];
const SURNAMES = ["Marsh", "Osei", "Brook", "Khan", "Walsh", "Nowak", "Reid", "Price", "Ahmed", "Clarke"];
const children = [];
const entries = [];
const rels = [];
const actions = [];
const episodes = [];
for (let i = 0; i < N; i++) {
  const childId = newId();
  children.push({
    id: childId,
    reference: `CH-${String(i).padStart(6, "0")}`,
    owning_agency_id: agencies[1].id,
    given_name: pick(NAMES),
    family_name: pick(SURNAMES),
    date_of_birth: `20${String(8 + Math.floor(rand() * 8)).padStart(2, "0")}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
    sex: pick(["female", "male"] as const),
    send_status: pick(["none", "sen_support", "ehcp", "unknown"] as const),
    looked_after: rand() < 0.3,
    out_of_area: rand() < 0.1,
  });
  const entryId = newId();
  entries.push({
    id: entryId,
    child_id: childId,
    source: "direct" as const,
    reason: "Benchmark entry with a long enough reason",
    concern_types: [pick(["cse", "cce", "county_lines", "online"])],
    lead_agency_id: pick(agencies).id,
    lead_professional: `${pick(NAMES)} ${pick(SURNAMES)}`,
    risk_level: pick(["high", "medium", "low"] as const),
    risk_trend: pick(["new", "increasing", "stable", "decreasing"] as const),
    last_review_on: iso(-Math.floor(rand() * 60)),
    next_review_on: iso(Math.floor(rand() * 60) - 10),
    added_at: day(-Math.floor(rand() * 400)),
    added_by: userId,
    added_by_agency_id: agencies[2].id,
  });
  rels.push({
    id: newId(),
    user_id: userId,
    child_id: childId,
    kind: "mace_panel" as const,
    reason: "bench",
    starts_at: day(-500),
  });
  for (let a = 0; a < 4; a++)
    actions.push({
      id: newId(),
      cohort_entry_id: entryId,
      child_id: childId,
      text: "Benchmark action",
      owner_agency_id: pick(agencies).id,
      due_on: iso(Math.floor(rand() * 60) - 20),
      status: pick(["open", "in_progress", "done"] as const),
      created_by_agency_id: agencies[2].id,
    });
  const k = Math.floor(rand() * 5);
  for (let e = 0; e < k; e++) {
    const start = -e * 20 - Math.floor(rand() * 15) - 1;
    episodes.push({
      id: newId(),
      child_id: childId,
      reported_by_agency_id: agencies[0].id,
      started_at: day(start),
      ended_at: e === 0 && rand() < 0.03 ? null : day(start + 0.3),
      rhi_status: "due" as const,
    });
  }
}
const chunk = async <T>(rows: T[], f: (x: T[]) => Promise<unknown>) => {
  for (let i = 0; i < rows.length; i += 500) await f(rows.slice(i, i + 500));
};
await chunk(children, (x) => app.db.insertInto("children").values(x).execute());
await chunk(entries, (x) => app.db.insertInto("cohort_entries").values(x).execute());
await chunk(rels, (x) => app.db.insertInto("relationships").values(x).execute());
await chunk(actions, (x) => app.db.insertInto("plan_actions").values(x).execute());
await chunk(episodes, (x) => app.db.insertInto("missing_episodes").values(x).execute());
const loadMs = performance.now() - t0;

// ---------- sign in through the real sign-in page ----------
const first = await server.inject({ method: "GET", url: "/sign-in" });
const cookies: Record<string, string> = {};
for (const c of first.cookies as { name: string; value: string }[]) cookies[c.name] = c.value;
const csrf = /name="_csrf" value="([^"]+)"/.exec(first.body)![1];
const signed = await server.inject({
  method: "POST",
  url: "/sign-in",
  cookies,
  payload: new URLSearchParams({
    _csrf: csrf,
    email: "coordinator@bench.example",
    password: PASSWORD,
  }).toString(),
  headers: { "content-type": "application/x-www-form-urlencoded" },
});
for (const c of signed.cookies as { name: string; value: string }[]) cookies[c.name] = c.value;

// ---------- the page ----------
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};
const fmt = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
    .join(", ");
const urls = ["/tracker", "/tracker?sort=missing&dir=desc", "/tracker?flag=looked_after&sort=child&dir=asc"];
for (let i = 0; i < 3; i++) await server.inject({ method: "GET", url: urls[0], cookies }); // warm up
const loadBefore = loadavg()[0];
const results: Record<
  string,
  {
    total: number[];
    cpu: number[];
    query: number[];
    rowsMs: number[];
    auditMs: number[];
    bytes: number;
    rows: number;
  }
> = {};
for (const url of urls) {
  results[url] = { total: [], cpu: [], query: [], rowsMs: [], auditMs: [], bytes: 0, rows: 0 };
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    const c0 = cpuUsage();
    const res = await server.inject({ method: "GET", url, cookies });
    const total = performance.now() - s;
    const c1 = cpuUsage(c0);
    results[url].cpu.push((c1.user + c1.system) / 1000);
    if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`);
    results[url].total.push(total);
    const timing = String(res.headers["server-timing"]);
    const part = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)?.[1] ?? 0);
    results[url].query.push(part("tracker"));
    results[url].rowsMs.push(part("rows"));
    results[url].auditMs.push(part("audit"));
    results[url].bytes = res.body.length;
    results[url].rows = (res.body.match(/<tr class="govuk-table__row">/g) ?? []).length - 1;
  }
}

// ---------- the Excel export ----------
const exportTimes: number[] = [];
let xlsxBytes = 0;
for (let i = 0; i < 5; i++) {
  const s = performance.now();
  const res = await server.inject({
    method: "POST",
    url: "/tracker/export",
    cookies,
    payload: new URLSearchParams({
      _csrf: /name="_csrf" value="([^"]+)"/.exec(
        (await server.inject({ method: "GET", url: "/tracker?q=zzz", cookies })).body,
      )![1],
      password: PASSWORD,
    }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  exportTimes.push(performance.now() - s);
  if (res.statusCode !== 200) throw new Error(`export answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
  xlsxBytes = res.rawPayload.length;
}

console.log(
  `load average (1 min) ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, on ${availableParallelism()} cores: wall times include waiting for a CPU; CPU time is this process's (server${db.kind === "pglite" ? " and the embedded database" : "; the PostgreSQL server's CPU is not counted"})`,
);
console.log(
  `tracker bench: ${db.describe}, ${N} children in the cohort, ${actions.length} actions, ${episodes.length} missing episodes (loaded in ${(loadMs / 1000).toFixed(1)} s)`,
);
for (const [url, v] of Object.entries(results)) {
  const t = stats(v.total);
  console.log(
    `GET ${url}: ${v.rows} rows, ${(v.bytes / 1024).toFixed(0)} KiB HTML; server time ${fmt(t)}; CPU time median ${stats(v.cpu).median.toFixed(1)} ms, p95 ${stats(v.cpu).p95.toFixed(1)} ms; of which data+audit ${fmt(stats(v.query))} (cohort query median ${stats(v.rowsMs).median.toFixed(1)} ms, audit row median ${stats(v.auditMs).median.toFixed(1)} ms)  ${t.p95 < 500 ? "OK (< 500 ms)" : "SLOW (>= 500 ms)"}`,
  );
}
console.log(
  `POST /tracker/export (password check with argon2 + query + workbook): ${fmt(stats(exportTimes))}, ${(xlsxBytes / 1024).toFixed(0)} KiB .xlsx`,
);
console.log(`peak RSS ${(resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
await server.close();
await db.close();
await drop();
