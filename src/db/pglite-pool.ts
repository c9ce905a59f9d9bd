// Lets Kysely's PostgresDialect drive an embedded PGlite database. PGlite is one connection, so the
// "pool" hands it to one caller at a time (a queue); a transaction holds it until release.
import type { PGlite } from "@electric-sql/pglite";
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";

type Command = PostgresQueryResult<unknown>["command"];

function commandOf(sql: string): Command {
  const m = /^\s*(insert|update|delete|merge|select|commit|rollback)\b/i.exec(sql);
  if (m) return m[1].toUpperCase() as Command;
  if (/^\s*with\b/i.test(sql)) {
    const dml = sql.match(/\b(insert|update|delete)\b/gi);
    if (dml) return dml[dml.length - 1].toUpperCase() as Command;
  }
  return "SELECT";
}

export class PGlitePool implements PostgresPool {
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly pg: PGlite) {}

  async connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const turn = new Promise<void>((r) => {
      release = r;
    });
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    await previous;
    const pg = this.pg;
    let released = false;
    const client = {
      async query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
        if (parameters.length === 0) {
          // Simple protocol: allows several statements (migrations, SET ROLE …).
          const results = await pg.exec(sql);
          const last = results[results.length - 1];
          return {
            command: commandOf(sql),
            rowCount: last?.affectedRows ?? last?.rows.length ?? 0,
            rows: (last?.rows ?? []) as R[],
          };
        }
        const r = await pg.query<R>(sql, parameters as unknown[]);
        return { command: commandOf(sql), rowCount: r.affectedRows ?? r.rows.length, rows: r.rows };
      },
      release() {
        if (!released) {
          released = true;
          release();
        }
      },
    };
    return client as PostgresPoolClient;
  }

  async end(): Promise<void> {
    await this.tail;
    if (!this.pg.closed) await this.pg.close();
  }
}
