// Imports: upload → column mapping → row-by-row validation → the user's decision → import.
// - A file is identified by its SHA-256: the same file again for the same source changes nothing.
// - Rows are identified by their key (the agency's own ID, or the SSDA903 key fields) and a hash
//   of their content: an unchanged row is skipped, a changed row becomes a new version that
//   supersedes the old (kept), a new row is added. Nothing is ever deleted.
// - A file with any row error imports nothing unless the user chooses "import only the valid rows".
// - Small files are processed during the request; larger ones by background jobs that stream the
//   file in chunks and record progress on the batch (each chunk is its own transaction, so the
//   progress is visible and a retried job carries on where it stopped: row keys make it idempotent).
// Every step is audited.
import { createHash } from "node:crypto";
import { sql, type Transaction } from "kysely";
import type { App } from "../../app.ts";
import type { DB } from "../../db/schema.ts";
import type { SessionUser } from "../../http/routes.ts";
import { londonDate } from "../../platform/clock.ts";
import { Conflict, Invalid, NotFound, PreconditionFailed } from "../../platform/errors.ts";
import { newId, reference, sha256 } from "../../platform/ids.ts";
import { type Actor, audit, auditFor, jobAudit } from "../audit/audit.service.ts";
import {
  isSsda903,
  KINDS,
  type Mapping,
  mappingProblems,
  normaliseHeader,
  suggestMapping,
} from "./imports.fields.ts";
import { detectFormat, type FileFormat, openTable } from "./imports.read.ts";
import { IMPORT_ROLES, linkageScope, requireRole } from "./imports.scope.ts";
import type { BatchStatus, ImportKind, RecordType, Subject } from "./imports.tables.ts";
import { checkRow, formulaSafe, type RowContext, type Std } from "./imports.validate.ts";

export type UploadInput = {
  agencyId: string;
  kind: ImportKind;
  subject: Subject;
  sourceName: string;
  filename: string | null;
  content: Uint8Array;
};

export type BatchView = {
  id: string;
  reference: string;
  status: BatchStatus;
  version: number;
  agencyId: string;
  agency: string;
  sourceId: string;
  source: string;
  kind: ImportKind;
  subject: Subject;
  filename: string | null;
  format: FileFormat;
  fileHash: string;
  fileSize: number;
  header: string[];
  mapping: Mapping | null;
  rowsTotal: number | null;
  rowsValid: number | null;
  rowsInvalid: number | null;
  rowsDone: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  onlyValid: boolean;
  duplicateOf: { id: string; reference: string } | null;
  error: string | null;
  uploadedBy: string;
  uploadedAt: Date;
  decidedAt: Date | null;
  finishedAt: Date | null;
};

export const JOB_VALIDATE = "imports.validate";
export const JOB_COMMIT = "imports.commit";
const CHUNK = 1000;

type Tx = Transaction<DB>;
/** A row's content hash: its cells by header and its standardised values. */
export function rowHash(header: readonly string[], cells: readonly string[], std: Std): string {
  const raw: Record<string, string> = {};
  header.forEach((h, i) => {
    raw[h] = cells[i] ?? "";
  });
  const sorted = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return sha256(JSON.stringify([sorted(raw), sorted(std)]));
}

const services = new WeakMap<App, ImportsService>();
export const importsService = (app: App): ImportsService => {
  let s = services.get(app);
  if (!s) {
    s = new ImportsService(app);
    services.set(app, s);
  }
  return s;
};

export class ImportsService {
  /** Files up to this size are validated and imported during the request; larger ones by jobs. */
  inlineMaxBytes = 1024 * 1024;
  constructor(private readonly app: App) {}

  private today() {
    return londonDate(this.app.clock.now());
  }

  // ---- reading --------------------------------------------------------------------------------

  async agencies() {
    return this.app.db.selectFrom("agencies").select(["id", "name", "kind"]).orderBy("name").execute();
  }

  async list(u: SessionUser, limit = 100): Promise<BatchView[]> {
    requireRole(u, IMPORT_ROLES, "see imports");
    return linkageScope(this.app, u, async (tx) => {
      const ids = await tx
        .selectFrom("import_batches")
        .select("id")
        .orderBy("uploaded_at", "desc")
        .limit(limit)
        .execute();
      return this.views(
        tx,
        ids.map((r) => r.id),
      );
    });
  }

  async get(u: SessionUser | null, batchId: string, tx?: Tx): Promise<BatchView> {
    if (u) requireRole(u, IMPORT_ROLES, "see imports");
    const run = async (t: Tx) => {
      const [v] = await this.views(t, [batchId]);
      if (!v) throw new NotFound("There is no import with that reference.");
      return v;
    };
    return tx ? run(tx) : linkageScope(this.app, u, run);
  }

  private async views(tx: Tx, ids: string[]): Promise<BatchView[]> {
    if (ids.length === 0) return [];
    const rows = await tx
      .selectFrom("import_batches as b")
      .innerJoin("import_sources as s", "s.id", "b.source_id")
      .innerJoin("agencies as a", "a.id", "b.agency_id")
      .innerJoin("users as u", "u.id", "b.uploaded_by")
      .leftJoin("import_batches as d", "d.id", "b.duplicate_of")
      .select([
        "b.id",
        "b.reference",
        "b.status",
        "b.version",
        "b.agency_id",
        "a.name as agency",
        "b.source_id",
        "s.name as source",
        "s.kind",
        "s.subject",
        "b.filename",
        "b.format",
        "b.file_hash",
        "b.file_size",
        "b.header",
        "b.mapping",
        "b.rows_total",
        "b.rows_valid",
        "b.rows_invalid",
        "b.rows_done",
        "b.rows_inserted",
        "b.rows_updated",
        "b.rows_unchanged",
        "b.only_valid",
        "b.duplicate_of",
        "d.reference as duplicate_reference",
        "b.error",
        "u.display_name as uploaded_by",
        "b.uploaded_at",
        "b.decided_at",
        "b.finished_at",
      ])
      .where("b.id", "in", ids)
      .execute();
    const byId = new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          reference: r.reference,
          status: r.status,
          version: r.version,
          agencyId: r.agency_id,
          agency: r.agency,
          sourceId: r.source_id,
          source: r.source,
          kind: r.kind,
          subject: r.subject,
          filename: r.filename,
          format: r.format,
          fileHash: r.file_hash,
          fileSize: Number(r.file_size),
          header: r.header,
          mapping: (r.mapping as Mapping | null) ?? null,
          rowsTotal: r.rows_total,
          rowsValid: r.rows_valid,
          rowsInvalid: r.rows_invalid,
          rowsDone: r.rows_done,
          rowsInserted: r.rows_inserted,
          rowsUpdated: r.rows_updated,
          rowsUnchanged: r.rows_unchanged,
          onlyValid: r.only_valid,
          duplicateOf: r.duplicate_of ? { id: r.duplicate_of, reference: r.duplicate_reference ?? "" } : null,
          error: r.error,
          uploadedBy: r.uploaded_by,
          uploadedAt: new Date(r.uploaded_at),
          decidedAt: r.decided_at ? new Date(r.decided_at) : null,
          finishedAt: r.finished_at ? new Date(r.finished_at) : null,
        } satisfies BatchView,
      ]),
    );
    return ids.map((id) => byId.get(id)).filter((v): v is BatchView => Boolean(v));
  }

  async errors(u: SessionUser | null, batchId: string, limit = 1_000_000) {
    return linkageScope(this.app, u, (tx) =>
      tx
        .selectFrom("import_row_errors")
        .select(["row_number", "field", "value", "reason"])
        .where("batch_id", "=", batchId)
        .orderBy("row_number")
        .orderBy("id")
        .limit(limit)
        .execute(),
    );
  }

  /** The first rows of the file, for the mapping page's examples. */
  async sample(u: SessionUser, batchId: string, rows = 3) {
    requireRole(u, IMPORT_ROLES, "see imports");
    const { view, content } = await linkageScope(this.app, u, async (tx) => ({
      view: await this.get(u, batchId, tx),
      content: await this.file(tx, batchId),
    }));
    const table = await openTable(content, view.format, this.knownColumn(view.kind));
    const out: string[][] = [];
    for await (const r of table.rows) {
      out.push(r.cells);
      if (out.length >= rows) break;
    }
    return { view, header: table.header, rows: out };
  }

  private async file(tx: Tx, batchId: string): Promise<Uint8Array> {
    const f = await tx
      .selectFrom("import_files")
      .select("content")
      .where("batch_id", "=", batchId)
      .executeTakeFirst();
    if (!f) throw new NotFound("The file of this import is missing.");
    return f.content;
  }

  private knownColumn(kind: ImportKind) {
    const names = new Set(KINDS[kind].fields.flatMap((f) => f.synonyms));
    return (h: string) => names.has(normaliseHeader(h));
  }

  /** The mapping the page suggests: the batch's own, else the source's saved one, else by column names. */
  async suggestedMapping(u: SessionUser, view: BatchView): Promise<Mapping> {
    if (view.mapping) return view.mapping;
    const saved = await linkageScope(this.app, u, (tx) =>
      tx
        .selectFrom("import_sources")
        .select("mapping")
        .where("id", "=", view.sourceId)
        .executeTakeFirstOrThrow(),
    );
    return suggestMapping(view.kind, view.header, (saved.mapping as Mapping) ?? {});
  }

  // ---- upload ---------------------------------------------------------------------------------

  async upload(
    u: SessionUser,
    actor: Actor,
    input: UploadInput,
  ): Promise<{ batchId: string; duplicateOf: string | null; replayed: boolean }> {
    requireRole(u, IMPORT_ROLES, "import files");
    const issues: { field: string; message: string }[] = [];
    const name = input.sourceName.trim().replace(/\s+/g, " ");
    if (!name)
      issues.push({
        field: "sourceName",
        message: "Enter the name of the source, such as “Niche nominal extract”",
      });
    if (name.length > 120)
      issues.push({ field: "sourceName", message: "The source name must be 120 characters or fewer" });
    if (!KINDS[input.kind]) issues.push({ field: "kind", message: "Choose what kind of file this is" });
    const agency = await this.app.db
      .selectFrom("agencies")
      .select(["id", "name"])
      .where("id", "=", input.agencyId)
      .executeTakeFirst();
    if (!agency) issues.push({ field: "agencyId", message: "Choose the agency the file comes from" });
    if (!input.content || input.content.length === 0)
      issues.push({ field: "file", message: "Choose a file to import" });
    if (issues.length) throw new Invalid("The upload has problems", issues);
    const subject: Subject = isSsda903(input.kind) ? "child" : input.subject;
    const format = detectFormat(input.content);
    // Read the header now, so an unreadable file is refused at once.
    const table = await openTable(input.content, format, this.knownColumn(input.kind));
    const hash = createHash("sha256").update(input.content).digest("hex");
    const now = this.app.clock.now();

    return linkageScope(this.app, u, async (tx) => {
      let source = await tx
        .selectFrom("import_sources")
        .select(["id"])
        .where("agency_id", "=", input.agencyId)
        .where("kind", "=", input.kind)
        .where(sql<string>`lower(name)`, "=", name.toLowerCase())
        .executeTakeFirst();
      if (!source) {
        source = { id: newId() };
        await tx
          .insertInto("import_sources")
          .values({
            id: source.id,
            agency_id: input.agencyId,
            name,
            kind: input.kind,
            subject,
            mapping: JSON.stringify({}),
            created_by: u.id,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const earlier = await tx
        .selectFrom("import_batches")
        .select(["id", "status", "reference"])
        .where("source_id", "=", source.id)
        .where("file_hash", "=", hash)
        .where("status", "not in", ["cancelled", "failed", "duplicate"])
        .orderBy("uploaded_at")
        .executeTakeFirst();
      if (earlier && earlier.status !== "imported") {
        // The same file is already on its way in (a double submit, or a second tab): carry on with it.
        return { batchId: earlier.id, duplicateOf: null, replayed: true };
      }
      const id = newId();
      const seq = await sql<{ n: number }>`select nextval('import_batch_seq')::int as n`.execute(tx);
      const ref = reference("IMP", Number(londonDate(now).slice(0, 4)), seq.rows[0]!.n);
      await tx
        .insertInto("import_batches")
        .values({
          id,
          reference: ref,
          source_id: source.id,
          agency_id: input.agencyId,
          filename: input.filename?.slice(0, 255) ?? null,
          format,
          file_hash: hash,
          file_size: input.content.length,
          status: earlier ? "duplicate" : "uploaded",
          header: table.header,
          mapping: null,
          duplicate_of: earlier?.id ?? null,
          uploaded_by: u.id,
          uploaded_at: now,
          finished_at: earlier ? now : null,
        })
        .execute();
      if (!earlier)
        await tx.insertInto("import_files").values({ batch_id: id, content: input.content }).execute();
      await audit(
        tx,
        auditFor(actor, {
          action: earlier ? "import.duplicate" : "import.upload",
          recordType: "import_batch",
          recordId: id,
          reason: earlier
            ? `the same file was imported already as ${earlier.reference}: nothing changed`
            : "import a file",
          details: {
            reference: ref,
            agency: agency!.name,
            source: name,
            kind: input.kind,
            subject,
            filename: input.filename,
            sha256: hash,
            bytes: input.content.length,
            columns: table.header.length,
          },
        }),
      );
      return { batchId: id, duplicateOf: earlier?.id ?? null, replayed: false };
    });
  }

  // ---- mapping and validation ---------------------------------------------------------------

  /** Saves the column mapping (to the batch and, for next time, to the source) and checks the file. */
  async saveMapping(
    u: SessionUser,
    actor: Actor,
    batchId: string,
    mapping: Mapping,
    expectedVersion: number | null,
  ) {
    requireRole(u, IMPORT_ROLES, "import files");
    const clean: Mapping = Object.fromEntries(Object.entries(mapping).filter(([, f]) => f && f !== "ignore"));
    const view = await this.get(u, batchId);
    if (!["uploaded", "validated"].includes(view.status))
      throw new Conflict(
        `This import is ${view.status.replace("_", " ")}: its mapping can no longer change.`,
      );
    if (expectedVersion !== null && expectedVersion !== view.version)
      throw new PreconditionFailed(
        "Someone else changed this import since you opened it. Reload it and try again.",
      );
    const problems = mappingProblems(view.kind, view.subject, view.header, clean);
    if (problems.length) throw new Invalid("The column mapping has problems", problems);
    const now = this.app.clock.now();
    await linkageScope(this.app, u, async (tx) => {
      const r = await tx
        .updateTable("import_batches")
        .set({
          mapping: JSON.stringify(clean),
          status: "validating",
          rows_done: 0,
          rows_total: null,
          rows_valid: null,
          rows_invalid: null,
          version: sql`version + 1`,
        })
        .where("id", "=", batchId)
        .where("version", "=", view.version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1)
        throw new PreconditionFailed(
          "Someone else changed this import since you opened it. Reload it and try again.",
        );
      await tx.deleteFrom("import_row_errors").where("batch_id", "=", batchId).execute();
      // Saved per agency and source, so the next file from the same source is mapped already.
      await tx
        .updateTable("import_sources")
        .set({ mapping: JSON.stringify(clean), updated_at: now, version: sql`version + 1` })
        .where("id", "=", view.sourceId)
        .execute();
      await audit(
        tx,
        auditFor(actor, {
          action: "import.mapping",
          recordType: "import_batch",
          recordId: batchId,
          reason: "map the file's columns to Lantern's fields",
          details: { reference: view.reference, mapping: clean },
        }),
      );
    });
    if (view.fileSize <= this.inlineMaxBytes) await this.validate(batchId);
    else await this.app.jobs.enqueue(JOB_VALIDATE, { batchId }, { maxAttempts: 2 });
  }

  /** Checks every row (a job for large files); records each problem; nothing is imported. */
  async validate(batchId: string): Promise<{ rows: number; valid: number; invalid: number }> {
    const { view, content } = await linkageScope(this.app, null, async (tx) => ({
      view: await this.get(null, batchId, tx),
      content: await this.file(tx, batchId),
    }));
    if (view.status !== "validating")
      return { rows: view.rowsTotal ?? 0, valid: view.rowsValid ?? 0, invalid: view.rowsInvalid ?? 0 };
    try {
      const ctx: RowContext = {
        kind: view.kind,
        subject: view.subject,
        header: view.header,
        mapping: view.mapping ?? {},
        today: this.today(),
      };
      await linkageScope(this.app, null, (tx) =>
        tx.deleteFrom("import_row_errors").where("batch_id", "=", batchId).execute(),
      );
      const table = await openTable(content, view.format, this.knownColumn(view.kind));
      if (table.header.join("\u0000") !== view.header.join("\u0000"))
        throw new Error("the file's header changed");
      const seen = new Map<string, number>();
      let rows = 0;
      let invalid = 0;
      let pending: { row_number: number; field: string; value: string | null; reason: string }[] = [];
      const flush = async () => {
        const batch = pending;
        pending = [];
        await linkageScope(this.app, null, async (tx) => {
          if (batch.length)
            await tx
              .insertInto("import_row_errors")
              .values(batch.map((e) => ({ ...e, batch_id: batchId })))
              .execute();
          await tx.updateTable("import_batches").set({ rows_done: rows }).where("id", "=", batchId).execute();
        });
      };
      for await (const r of table.rows) {
        rows++;
        const checked = checkRow(ctx, r.cells);
        const issues = [...checked.issues];
        if (checked.key !== null) {
          const first = seen.get(checked.key);
          if (first !== undefined)
            issues.push({
              field: KINDS[view.kind].keyFields.join("+"),
              value: checked.key,
              reason: `The same key as row ${first}: each row must be a different record`,
            });
          else seen.set(checked.key, r.number);
        }
        if (
          r.cells.length > view.header.length &&
          r.cells.slice(view.header.length).some((c) => c.trim() !== "")
        )
          issues.push({
            field: "row",
            value: null,
            reason: `The row has ${r.cells.length} cells but the header has ${view.header.length}`,
          });
        if (issues.length) {
          invalid++;
          for (const i of issues)
            pending.push({
              row_number: r.number,
              field: i.field,
              value: i.value === null ? null : i.value.slice(0, 500),
              reason: i.reason,
            });
        }
        if (rows % CHUNK === 0) await flush();
      }
      await flush();
      const valid = rows - invalid;
      await linkageScope(this.app, null, async (tx) => {
        await tx
          .updateTable("import_batches")
          .set({
            status: "validated",
            rows_total: rows,
            rows_valid: valid,
            rows_invalid: invalid,
            rows_done: rows,
            version: sql`version + 1`,
          })
          .where("id", "=", batchId)
          .execute();
        await audit(
          tx,
          jobAudit(null, {
            action: "import.validate",
            recordType: "import_batch",
            recordId: batchId,
            reason: "check every row",
            details: { reference: view.reference, rows, valid, invalid },
          }),
        );
      });
      return { rows, valid, invalid };
    } catch (e) {
      const message =
        e instanceof Invalid ? e.message : `The file could not be checked: ${(e as Error).message}`;
      await linkageScope(this.app, null, async (tx) => {
        await tx
          .updateTable("import_batches")
          .set({
            status: "failed",
            error: message.slice(0, 2000),
            finished_at: this.app.clock.now(),
            version: sql`version + 1`,
          })
          .where("id", "=", batchId)
          .execute();
        await tx
          .insertInto("import_row_errors")
          .values({
            batch_id: batchId,
            row_number: 0,
            field: "file",
            value: null,
            reason: message.slice(0, 2000),
          })
          .execute();
      });
      if (e instanceof Invalid) return { rows: 0, valid: 0, invalid: 0 };
      throw e;
    }
  }

  // ---- the decision and the import ----------------------------------------------------------

  async decide(
    u: SessionUser,
    actor: Actor,
    batchId: string,
    choice: "all" | "valid_only" | "cancel",
    expectedVersion: number | null,
  ) {
    requireRole(u, IMPORT_ROLES, "import files");
    const view = await this.get(u, batchId);
    if (expectedVersion !== null && expectedVersion !== view.version)
      throw new PreconditionFailed(
        "Someone else changed this import since you opened it. Reload it and try again.",
      );
    if (view.status !== "validated")
      throw new Conflict(
        view.status === "imported" || view.status === "importing"
          ? "This file is imported already."
          : `This import is ${view.status}: it cannot be imported now.`,
      );
    if (choice === "all" && (view.rowsInvalid ?? 0) > 0)
      throw new Invalid("The file has rows with errors: nothing was imported", [
        {
          field: "choice",
          message: `${view.rowsInvalid} ${view.rowsInvalid === 1 ? "row has" : "rows have"} errors: correct the file and upload it again, or choose to import only the valid rows`,
        },
      ]);
    if (choice === "valid_only" && (view.rowsValid ?? 0) === 0)
      throw new Invalid("No row is valid: nothing can be imported", [
        { field: "choice", message: "No row is valid: correct the file and upload it again" },
      ]);
    const now = this.app.clock.now();
    await linkageScope(this.app, u, async (tx) => {
      const r = await tx
        .updateTable("import_batches")
        .set({
          status: choice === "cancel" ? "cancelled" : "importing",
          only_valid: choice === "valid_only",
          decided_by: u.id,
          decided_at: now,
          rows_done: 0,
          finished_at: choice === "cancel" ? now : null,
          version: sql`version + 1`,
        })
        .where("id", "=", batchId)
        .where("version", "=", view.version)
        .where("status", "=", "validated")
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1)
        throw new PreconditionFailed(
          "Someone else changed this import since you opened it. Reload it and try again.",
        );
      await audit(
        tx,
        auditFor(actor, {
          action: choice === "cancel" ? "import.cancel" : "import.decide",
          recordType: "import_batch",
          recordId: batchId,
          reason:
            choice === "cancel"
              ? "import nothing"
              : choice === "valid_only"
                ? "import only the valid rows"
                : "import every row",
          details: {
            reference: view.reference,
            rows: view.rowsTotal,
            valid: view.rowsValid,
            invalid: view.rowsInvalid,
          },
        }),
      );
    });
    if (choice === "cancel") return;
    if (view.fileSize <= this.inlineMaxBytes) await this.commit(batchId);
    else await this.app.jobs.enqueue(JOB_COMMIT, { batchId }, { maxAttempts: 5 });
  }

  /** Imports the valid rows (a job for large files). Safe to run again: row keys make it idempotent. */
  async commit(batchId: string) {
    const { view, content, decidedBy } = await linkageScope(this.app, null, async (tx) => ({
      view: await this.get(null, batchId, tx),
      content: await this.file(tx, batchId),
      decidedBy: await tx
        .selectFrom("import_batches")
        .select(["decided_by", "agency_id"])
        .where("id", "=", batchId)
        .executeTakeFirstOrThrow(),
    }));
    if (view.status !== "importing")
      return { inserted: view.rowsInserted, updated: view.rowsUpdated, unchanged: view.rowsUnchanged };
    const badRows = new Set(
      (
        await linkageScope(this.app, null, (tx) =>
          tx
            .selectFrom("import_row_errors")
            .select("row_number")
            .where("batch_id", "=", batchId)
            .distinct()
            .execute(),
        )
      ).map((r) => r.row_number),
    );
    if (badRows.has(0)) throw new Error("the file has a file-level error and cannot be imported");
    if (badRows.size > 0 && !view.onlyValid)
      throw new Error("the file has row errors and the user did not choose to import only the valid rows");
    const spec = KINDS[view.kind];
    const recordType: RecordType = spec.recordType(view.subject);
    const ctx: RowContext = {
      kind: view.kind,
      subject: view.subject,
      header: view.header,
      mapping: view.mapping ?? {},
      today: this.today(),
    };
    const table = await openTable(content, view.format, this.knownColumn(view.kind));
    let inserted = 0;
    let updated = 0;
    let unchanged = 0;
    let done = 0;
    let chunk: { number: number; cells: string[]; std: Std; key: string; hash: string }[] = [];
    const now = this.app.clock.now();
    const flush = async () => {
      const rows = chunk;
      chunk = [];
      await linkageScope(this.app, null, async (tx) => {
        const keys = rows.map((r) => r.key);
        const existing = keys.length
          ? await tx
              .selectFrom("source_records")
              .select(["id", "row_key", "content_hash"])
              .where("source_id", "=", view.sourceId)
              .where("row_key", "in", keys)
              .where("superseded_by", "is", null)
              .execute()
          : [];
        const byKey = new Map(existing.map((e) => [e.row_key, e]));
        const inserts = [];
        for (const r of rows) {
          const old = byKey.get(r.key);
          if (old && old.content_hash === r.hash) {
            unchanged++;
            continue;
          }
          const id = newId();
          if (old) {
            await tx
              .updateTable("source_records")
              .set({ superseded_by: id, superseded_at: now })
              .where("id", "=", old.id)
              .execute();
            updated++;
          } else inserted++;
          const raw: Record<string, string> = {};
          view.header.forEach((h, i) => {
            raw[h] = r.cells[i] ?? "";
          });
          inserts.push({
            id,
            agency_id: view.agencyId,
            source_id: view.sourceId,
            batch_id: batchId,
            record_type: recordType,
            row_number: r.number,
            row_key: r.key,
            content_hash: r.hash,
            parent_key: recordType === "episode" || recordType === "missing" ? String(r.std.CHILD) : null,
            raw: JSON.stringify(raw),
            std: JSON.stringify(r.std),
            created_at: now,
          });
        }
        if (inserts.length) await tx.insertInto("source_records").values(inserts).execute();
        await tx
          .updateTable("import_batches")
          .set({ rows_done: done, rows_inserted: inserted, rows_updated: updated, rows_unchanged: unchanged })
          .where("id", "=", batchId)
          .execute();
      });
    };
    for await (const r of table.rows) {
      done++;
      if (badRows.has(r.number)) continue;
      const checked = checkRow(ctx, r.cells);
      if (checked.issues.length || checked.key === null) continue; // checked already; never import a bad row
      chunk.push({
        number: r.number,
        cells: r.cells,
        std: checked.std,
        key: checked.key,
        hash: rowHash(view.header, r.cells, checked.std),
      });
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    await linkageScope(this.app, null, async (tx) => {
      await tx
        .updateTable("import_batches")
        .set({
          status: "imported",
          finished_at: this.app.clock.now(),
          rows_done: done,
          version: sql`version + 1`,
        })
        .where("id", "=", batchId)
        .execute();
      await audit(
        tx,
        jobAudit(decidedBy.decided_by, {
          action: "import.commit",
          recordType: "import_batch",
          recordId: batchId,
          reason: view.onlyValid ? "import only the valid rows" : "import every row",
          details: {
            reference: view.reference,
            inserted,
            updated,
            unchanged,
            skipped: badRows.size,
            recordType,
          },
        }),
      );
    });
    return { inserted, updated, unchanged };
  }

  // ---- the error report ---------------------------------------------------------------------

  /** The error report as CSV (row, field, value, reason), formula-safe; the download is audited. */
  async errorReportCsv(
    u: SessionUser,
    actor: Actor,
    batchId: string,
  ): Promise<{ filename: string; csv: string }> {
    requireRole(u, IMPORT_ROLES, "see imports");
    const view = await this.get(u, batchId);
    const rows = await this.errors(u, batchId);
    const { stringify } = await import("csv-stringify/sync");
    const csv = stringify(
      [
        ["row", "field", "value", "reason"],
        ...rows.map((r) => [
          String(r.row_number),
          formulaSafe(r.field),
          formulaSafe(r.value ?? ""),
          formulaSafe(r.reason),
        ]),
      ],
      { quoted_string: true },
    );
    await linkageScope(this.app, u, (tx) =>
      audit(
        tx,
        auditFor(actor, {
          action: "import.error_report",
          recordType: "import_batch",
          recordId: batchId,
          reason: "download the error report",
          details: { reference: view.reference, errors: rows.length },
        }),
      ),
    );
    return { filename: `${view.reference}-errors.csv`, csv: `\uFEFF${csv}` };
  }
}
