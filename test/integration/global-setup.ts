// Runs once before the integration files (which run in parallel, each on its own fresh database).
// On PostgreSQL, roles are cluster-wide: create lantern_app up front so parallel migrations never
// race to create it.
import pg from "pg";

export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query("select 1 from pg_roles where rolname = 'lantern_app'");
    if (r.rowCount === 0) await c.query("create role lantern_app nologin");
  } catch (e) {
    if ((e as { code?: string }).code !== "42710") throw e; // created meanwhile by someone else
  } finally {
    await c.end();
  }
}
