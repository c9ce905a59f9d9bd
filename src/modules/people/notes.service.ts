// Case notes on a child's record. Any agency working with the child adds entries as itself; nobody
// edits another's entry: a correction is a new entry pointing at the original. Each viewer sees the
// entries whose field group their access includes.
import "./notes.tables.ts";
import type { App } from "../../app.ts";
import type { SessionUser } from "../../http/routes.ts";
import { Conflict, Forbidden, Invalid } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { FieldGroup } from "../access/access.policy.ts";
import { type Actor, audit, auditFor } from "../audit/audit.service.ts";
import { type KeptWording, recordLanguageChecks } from "../language/index.ts";

export const NOTE_GROUPS = ["narrative", "health", "police_intelligence", "education"] as const;
export type NoteGroup = (typeof NOTE_GROUPS)[number];

export type NewNote = {
  text: string;
  occurredAt?: string;
  fieldGroup?: NoteGroup;
  correctsId?: string | null;
  idempotencyKey?: string | null;
  /** Flagged wording the writer chose to keep, with their reasons (language checker). */
  languageKept?: KeptWording[] | null;
};

export async function addNote(app: App, u: SessionUser, actor: Actor, childId: string, n: NewNote) {
  const d = await app.access.decide(u, childId);
  if (!d.addEntries) throw new Forbidden(d.why);
  const group: NoteGroup = n.fieldGroup ?? "narrative";
  const fields = [];
  if (!n.text?.trim()) fields.push({ field: "text", message: "Enter the note" });
  if (n.text && n.text.length > 20_000)
    fields.push({ field: "text", message: "The note must be 20,000 characters or fewer" });
  const occurred = n.occurredAt ? new Date(n.occurredAt) : app.clock.now();
  if (Number.isNaN(occurred.getTime()))
    fields.push({ field: "occurredAt", message: "Enter a real date and time" });
  else if (occurred.getTime() > app.clock.now().getTime() + 5 * 60_000)
    fields.push({ field: "occurredAt", message: "The date cannot be in the future" });
  if (!d.fieldGroups.includes(group as FieldGroup))
    fields.push({
      field: "fieldGroup",
      message: `Your agency cannot record ${group.replace("_", " ")} entries`,
    });
  if (fields.length) throw new Invalid("The note has problems", fields);
  return app.access.asUser(u, async (tx) => {
    if (n.idempotencyKey) {
      const existing = await tx
        .selectFrom("case_notes")
        .select(["id", "child_id"])
        .where("idempotency_key", "=", `${u.id}:${n.idempotencyKey}`)
        .executeTakeFirst();
      if (existing) {
        if (existing.child_id !== childId)
          throw new Conflict("That idempotency key was used for another record.");
        return { id: existing.id, replayed: true };
      }
    }
    if (n.correctsId) {
      const original = await tx
        .selectFrom("case_notes")
        .select(["child_id"])
        .where("id", "=", n.correctsId)
        .executeTakeFirst();
      if (!original || original.child_id !== childId) {
        throw new Invalid("The entry being corrected is not on this child's record", [
          { field: "correctsId", message: "Choose an entry on this record" },
        ]);
      }
    }
    const id = newId();
    await tx
      .insertInto("case_notes")
      .values({
        id,
        child_id: childId,
        agency_id: u.agencyId,
        author_id: u.id,
        field_group: group,
        occurred_at: occurred,
        text: n.text.trim(),
        corrects_id: n.correctsId ?? null,
        idempotency_key: n.idempotencyKey ? `${u.id}:${n.idempotencyKey}` : null,
      })
      .execute();
    await audit(
      tx,
      auditFor(actor, {
        action: n.correctsId ? "note.correct" : "note.add",
        recordType: "case_note",
        recordId: id,
        childId,
        fieldGroups: [group],
        reason: "add case note",
        details: n.correctsId ? { corrects: n.correctsId } : {},
      }),
    );
    await recordLanguageChecks(app, tx, {
      actor,
      recordType: "case_note",
      recordId: id,
      field: "text",
      text: n.text.trim(),
      kept: n.languageKept,
    });
    return { id, replayed: false };
  });
}

export async function listNotes(app: App, u: SessionUser, actor: Actor, childId: string) {
  const d = await app.access.decide(u, childId);
  if (!d.read) throw new Forbidden(d.why);
  const groups = NOTE_GROUPS.filter((g) => d.fieldGroups.includes(g as FieldGroup));
  return app.access.asUser(u, async (tx) => {
    const rows = await tx
      .selectFrom("case_notes as n")
      .innerJoin("users as a", "a.id", "n.author_id")
      .innerJoin("agencies as g", "g.id", "n.agency_id")
      .select([
        "n.id",
        "n.field_group",
        "n.occurred_at",
        "n.text",
        "n.corrects_id",
        "n.created_at",
        "a.display_name as author",
        "g.name as agency",
        "n.agency_id",
      ])
      .where("n.child_id", "=", childId)
      .where((eb) => (groups.length ? eb("n.field_group", "in", groups) : eb.lit(false)))
      .orderBy("n.occurred_at", "desc")
      .execute();
    const correctedBy = new Map<string, string[]>();
    for (const r of rows)
      if (r.corrects_id) correctedBy.set(r.corrects_id, [...(correctedBy.get(r.corrects_id) ?? []), r.id]);
    await audit(
      tx,
      auditFor(actor, {
        action: "note.list",
        recordType: "child",
        recordId: childId,
        childId,
        fieldGroups: groups,
        reason: "read case notes",
      }),
    );
    return {
      notes: rows.map((r) => ({ ...r, correctedBy: correctedBy.get(r.id) ?? [] })),
      fieldGroups: groups,
      decision: d,
    };
  });
}
