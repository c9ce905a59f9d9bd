// Language pages: the guide (everyone), the dictionary (administrators: list, try, add, change,
// retire/restore, history with the audit trail), the practice report (managers, analysts,
// committee) and briefings (managers, administrators).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { App } from "../../app.ts";
import { CATEGORIES, check, type DictionaryEntry } from "../../engines/language/index.ts";
import { defineRoute, type RouteDef, rolesOnly, SIGNED_IN } from "../../http/routes.ts";
import { Conflict, Invalid, NotFound } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import {
  addEntry,
  currentDictionary,
  draftProblems,
  type EntryDraft,
  editEntry,
  setEntryActive,
} from "./dictionary.service.ts";
import { FIELD_LABELS, fromEntry, readForm, sentence, toDraft, toFormIssue } from "./entry-form.ts";
import { dictionaryAudit, entriesAt, entryRevisions, latestRevision } from "./language.queries.ts";
import { REPORT_ROLES } from "./language.routes.ts";
import { CATEGORY_LABELS, entryIdParams } from "./language.schema.ts";
import { addBriefing, buildReport, listBriefings, reportRights } from "./report.service.ts";

const admin = rolesOnly("admin");
const BRIEFING_ROLES = rolesOnly("manager", "admin");

const ACTION_LABELS: Record<string, string> = {
  "language.entry.add": "Added",
  "language.entry.edit": "Changed",
  "language.entry.retire": "Retired",
  "language.entry.restore": "Restored",
  seed: "Seeded from the shipped dictionary",
  update: "Updated from the shipped dictionary",
  add: "Added",
  edit: "Changed",
  retire: "Retired",
  restore: "Restored",
};

const categoryItems = (selected?: string) =>
  CATEGORIES.map((c) => ({ value: c, text: `${CATEGORY_LABELS[c]} (${c})`, selected: c === selected }));

const patternsOf = (e: DictionaryEntry) => (Array.isArray(e.pattern) ? e.pattern : [e.pattern]);

function errorsFor(issues: { field: string; message: string }[]) {
  const byField: Record<string, string> = {};
  for (const i of issues)
    byField[i.field] = byField[i.field] ? `${byField[i.field]} ${i.message}` : i.message;
  return {
    errors: issues.map((i) => ({ text: i.message, href: `#${i.field}` })),
    byField,
  };
}

/** A repeated submission of a change already made by the same user (double click, back + resubmit). */
async function isReplay(app: App, userId: string, draft: EntryDraft): Promise<boolean> {
  const rev = await latestRevision(app.db, String(draft.id));
  if (!rev || rev.created_by !== userId) return false;
  if (Date.now() - new Date(rev.created_at).getTime() > 10 * 60_000) return false;
  const { version: _v, active: _a, ...stored } = rev.data as DictionaryEntry;
  const { active: _b, ...sent } = draft;
  const norm = (o: object) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(o)
          .filter(([, v]) => v !== undefined)
          .sort(),
      ),
    );
  return norm(stored) === norm(sent);
}

export function languagePages(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/language",
      kind: "page",
      summary:
        "Language that does not blame the child: what the checker flags, why, and what to write instead",
      access: SIGNED_IN,
      handler: async ({ reply, user }) => {
        const d = await currentDictionary(app);
        const active = d.dictionary.entries.filter((e) => e.active);
        const categories = CATEGORIES.map((c) => ({
          key: c,
          label: CATEGORY_LABELS[c],
          entries: active
            .filter((e) => e.category === c)
            .map((e) => ({
              id: e.id,
              example: e.examples?.flag?.[0] ?? null,
              why: e.why,
              alternatives: e.alternatives,
            })),
        })).filter((c) => c.entries.length);
        const roles = user!.roles;
        return reply.page("language/views/guide.njk", {
          title: "Language that does not blame the child",
          categories,
          dictionaryVersion: d.label,
          isAdmin: roles.includes("admin"),
          canReport: roles.some((r) => (REPORT_ROLES as readonly string[]).includes(r)),
          canBrief: roles.includes("manager") || roles.includes("admin"),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/language/dictionary",
      kind: "page",
      summary: "The language dictionary: entries, their versions and the audit of changes",
      access: admin,
      handler: async ({ req, reply }) => {
        const q = req.query as Record<string, string>;
        const d = await currentDictionary(app);
        const revisions = await entriesAt(app.db, d.version);
        const show = q.show === "retired" ? "retired" : q.show === "all" ? "all" : "active";
        const entries = revisions
          .filter((r) => (show === "all" ? true : show === "retired" ? !r.active : r.active))
          .filter((r) => !q.category || (r.data as DictionaryEntry).category === q.category)
          .map((r) => {
            const e = r.data as DictionaryEntry;
            return {
              id: e.id,
              patterns: patternsOf(e),
              category: e.category,
              categoryLabel: CATEGORY_LABELS[e.category],
              why: e.why,
              alternatives: e.alternatives,
              active: r.active,
              version: r.entry_version,
              changedIn: r.dictionary_version,
              source: r.source,
            };
          });
        const changes = await dictionaryAudit(app.db, 15);
        return reply.page("language/views/dictionary.njk", {
          title: "Language dictionary",
          entries,
          total: revisions.length,
          activeCount: revisions.filter((r) => r.active).length,
          dictionaryVersion: d.label,
          show,
          category: q.category ?? "",
          categories: [{ value: "", text: "All categories" }, ...categoryItems(q.category)],
          changes: changes.map((c) => ({ ...c, actionLabel: ACTION_LABELS[c.action] ?? c.action })),
          changed: q.changed ?? null,
          changedVersion: q.v ?? null,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/language/dictionary/try",
      kind: "page",
      summary: "Try the current dictionary on some text (nothing is stored)",
      access: admin,
      example: () => ({ form: { text: "She keeps putting herself at risk." } }),
      handler: async ({ req, reply }) => {
        const text = String((req.body as Record<string, unknown>)?.text ?? "").slice(0, 20_000);
        const d = await currentDictionary(app);
        const r = text.trim() ? check(text, d.compiled) : { flags: [], notes: [] };
        return reply.page("language/views/try.njk", {
          title: "Try the dictionary",
          text,
          dictionaryVersion: d.label,
          flags: r.flags.map((f) => ({ ...f, categoryLabel: CATEGORY_LABELS[f.category] })),
          notes: r.notes,
          errors: text.trim() ? [] : [{ text: "Enter some text to check", href: "#text" }],
          byField: text.trim() ? {} : { text: "Enter some text to check" },
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/language/dictionary/new",
      kind: "page",
      summary: "Add a phrase to the language dictionary",
      access: admin,
      handler: ({ reply }) =>
        reply.page("language/views/entry-form.njk", {
          title: "Add a phrase",
          mode: "add",
          values: { subject: "child", negatable: "yes" },
          categories: categoryItems(),
          labels: FIELD_LABELS,
        }),
    }),
    defineRoute({
      method: "POST",
      url: "/language/dictionary/new",
      kind: "page",
      summary: "Add a phrase to the language dictionary (validated; new dictionary version; audited)",
      access: admin,
      example: () => ({
        form: {
          id: `authz-${randomUUID().slice(0, 8)}`,
          pattern: "rule breaker~",
          category: "labelling",
          why: "Labels the child instead of describing what happened.",
          alternatives: "describe what happened and what it may tell us",
        },
      }),
      handler: async ({ req, reply, user }) => {
        const form = readForm(req.body);
        const { draft, errors } = toDraft(form);
        try {
          if (errors.length)
            throw new Invalid("The entry has problems", [
              ...errors,
              ...(await draftProblems(app, draft, "add")).map(toFormIssue),
            ]);
          const r = await addEntry(app, actorOf(user!, req), draft);
          return reply.redirect(
            `/language/dictionary?changed=${encodeURIComponent(r.entryId)}&v=${encodeURIComponent(r.label)}`,
            303,
          );
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          if (e.fields.some((f) => f.field === "id") && (await isReplay(app, user!.id, draft)))
            return reply.redirect(
              `/language/dictionary?changed=${encodeURIComponent(String(draft.id))}`,
              303,
            );
          const issues = (errors.length ? e.fields : e.fields.map(toFormIssue)).map(sentence);
          return reply.page(
            "language/views/entry-form.njk",
            {
              title: "Add a phrase",
              mode: "add",
              values: form,
              categories: categoryItems(form.category),
              labels: FIELD_LABELS,
              ...errorsFor(issues),
            },
            400,
          );
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: "/language/dictionary/:entryId",
      kind: "page",
      summary: "A dictionary entry: what it flags, its revisions and who changed it",
      access: admin,
      params: entryIdParams,
      example: (f) => ({ params: { entryId: f.languageEntryId } }),
      handler: async ({ reply, params }) => {
        await currentDictionary(app);
        const revisions = await entryRevisions(app.db, params.entryId);
        if (!revisions.length) throw new NotFound(`There is no dictionary entry "${params.entryId}".`);
        const e = revisions[0].data as DictionaryEntry;
        const audits = await dictionaryAudit(app.db, 50, params.entryId);
        return reply.page("language/views/entry.njk", {
          title: `Dictionary entry: ${e.id}`,
          entry: e,
          patterns: patternsOf(e),
          categoryLabel: CATEGORY_LABELS[e.category],
          active: revisions[0].active,
          version: revisions[0].entry_version,
          revisions: revisions.map((r) => ({
            ...r,
            actionLabel: ACTION_LABELS[r.action] ?? r.action,
            by: r.created_by_name ?? "Lantern (shipped dictionary)",
          })),
          audits: audits.map((a) => ({ ...a, actionLabel: ACTION_LABELS[a.action] ?? a.action })),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/language/dictionary/:entryId/edit",
      kind: "page",
      summary: "Change a dictionary entry",
      access: admin,
      params: entryIdParams,
      example: (f) => ({ params: { entryId: f.languageEntryId } }),
      handler: async ({ reply, params }) => {
        await currentDictionary(app);
        const rev = await latestRevision(app.db, params.entryId);
        if (!rev) throw new NotFound(`There is no dictionary entry "${params.entryId}".`);
        const e = rev.data as DictionaryEntry;
        return reply.page("language/views/entry-form.njk", {
          title: `Change "${e.id}"`,
          mode: "edit",
          entryId: e.id,
          version: rev.entry_version,
          values: fromEntry(e),
          categories: categoryItems(e.category),
          labels: FIELD_LABELS,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/language/dictionary/:entryId/edit",
      kind: "page",
      summary: "Change a dictionary entry (carries its version; validated; new dictionary version; audited)",
      access: admin,
      params: entryIdParams,
      example: (f) => ({
        params: { entryId: f.languageEntryId },
        form: {
          version: "1",
          pattern: "rule breaker~",
          category: "labelling",
          why: "Labels the child instead of describing the behaviour and what it may communicate.",
          alternatives: "describe what happened and what it may tell us",
          subject: "child",
          negatable: "yes",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = { ...readForm(req.body), id: params.entryId };
        const version = Number((req.body as Record<string, unknown>)?.version);
        const { draft, errors } = toDraft(form);
        const again = (issues: { field: string; message: string }[], status: number, conflict?: string) =>
          reply.page(
            "language/views/entry-form.njk",
            {
              title: `Change "${params.entryId}"`,
              mode: "edit",
              entryId: params.entryId,
              version,
              values: form,
              categories: categoryItems(form.category),
              labels: FIELD_LABELS,
              conflict,
              ...errorsFor(issues),
            },
            status,
          );
        try {
          if (errors.length)
            throw new Invalid("The entry has problems", [
              ...errors,
              ...(await draftProblems(app, draft, "edit")).map(toFormIssue),
            ]);
          if (!Number.isInteger(version))
            throw new Conflict("This form has no version: reload the entry and try again.");
          const r = await editEntry(app, actorOf(user!, req), params.entryId, version, draft);
          return reply.redirect(
            `/language/dictionary?changed=${encodeURIComponent(r.entryId)}&v=${encodeURIComponent(r.label)}`,
            303,
          );
        } catch (e) {
          if (e instanceof Conflict) {
            if (await isReplay(app, user!.id, draft))
              return reply.redirect(
                `/language/dictionary?changed=${encodeURIComponent(params.entryId)}`,
                303,
              );
            return again([], 409, e.message);
          }
          if (!(e instanceof Invalid)) throw e;
          return again((errors.length ? e.fields : e.fields.map(toFormIssue)).map(sentence), 400);
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: "/language/dictionary/:entryId/status",
      kind: "page",
      summary: "Retire a dictionary entry, or restore a retired one",
      access: admin,
      params: entryIdParams,
      example: (f) => ({ params: { entryId: f.languageEntryId } }),
      handler: async ({ reply, params }) => {
        await currentDictionary(app);
        const rev = await latestRevision(app.db, params.entryId);
        if (!rev) throw new NotFound(`There is no dictionary entry "${params.entryId}".`);
        return reply.page("language/views/status.njk", {
          title: rev.active ? `Retire "${params.entryId}"` : `Restore "${params.entryId}"`,
          entryId: params.entryId,
          version: rev.entry_version,
          active: rev.active,
          values: {},
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/language/dictionary/:entryId/status",
      kind: "page",
      summary: "Retire or restore a dictionary entry (with a reason; new dictionary version; audited)",
      access: admin,
      params: entryIdParams,
      example: (f) => ({
        params: { entryId: f.languageEntryId },
        form: { version: "1", active: "true", reason: "Practitioners asked for it back" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Record<string, string>;
        const version = Number(form.version);
        const active = form.active === "true";
        try {
          if (!Number.isInteger(version))
            throw new Conflict("This form has no version: reload the entry and try again.");
          const r = await setEntryActive(
            app,
            actorOf(user!, req),
            params.entryId,
            version,
            active,
            form.reason ?? "",
          );
          return reply.redirect(
            `/language/dictionary?changed=${encodeURIComponent(r.entryId)}&v=${encodeURIComponent(r.label)}`,
            303,
          );
        } catch (e) {
          if (!(e instanceof Invalid) && !(e instanceof Conflict)) throw e;
          const issues = e instanceof Invalid ? e.fields : [];
          return reply.page(
            "language/views/status.njk",
            {
              title: active ? `Restore "${params.entryId}"` : `Retire "${params.entryId}"`,
              entryId: params.entryId,
              version,
              active: !active,
              values: { reason: form.reason },
              conflict: e instanceof Conflict ? e.message : null,
              ...errorsFor(issues),
            },
            e instanceof Conflict ? 409 : 400,
          );
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: "/language/report",
      kind: "page",
      summary:
        "Practice report: flags per 1,000 words by agency/team and month, phrases, overrides, briefings",
      access: rolesOnly(...REPORT_ROLES),
      handler: async ({ req, reply, user }) => {
        const raw = Object.fromEntries(
          Object.entries(req.query as Record<string, string>).filter(
            ([, v]) => typeof v === "string" && v !== "",
          ),
        );
        const rights = reportRights(user!.roles);
        const options = {
          from: raw.from,
          to: raw.to,
          by: raw.by === "team" ? ("team" as const) : ("agency" as const),
          agencyId: raw.agency && z.uuid().safeParse(raw.agency).success ? raw.agency : null,
        };
        try {
          const report = await buildReport(
            app,
            { userId: user!.id, agencyId: user!.agencyId, roles: user!.roles },
            actorOf(user!, req),
            options,
          );
          return reply.page("language/views/report.njk", {
            title: "Language practice report",
            report,
            rights,
            q: {
              from: report.period.from,
              to: report.period.to,
              by: report.by,
              agency: report.agencyId ?? "",
            },
            agencyItems: [
              { value: "", text: "All agencies" },
              ...report.agencies.map((a) => ({
                value: a.id,
                text: a.name,
                selected: a.id === report.agencyId,
              })),
            ],
          });
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          return reply.page(
            "language/views/report.njk",
            {
              title: "Language practice report",
              report: null,
              rights,
              q: raw,
              agencyItems: [{ value: "", text: "All agencies" }],
              ...errorsFor(e.fields),
            },
            400,
          );
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: "/language/briefings",
      kind: "page",
      summary: "Language briefings: record when practitioners were briefed (shown on the practice report)",
      access: BRIEFING_ROLES,
      handler: async ({ req, reply }) => {
        const briefings = await listBriefings(app);
        const agencies = await app.db.selectFrom("agencies").select(["id", "name"]).orderBy("name").execute();
        return reply.page("language/views/briefings.njk", {
          title: "Language briefings",
          briefings,
          values: {},
          agencyItems: [
            { value: "", text: "All agencies (partnership-wide)" },
            ...agencies.map((a) => ({ value: a.id, text: a.name })),
          ],
          added: (req.query as Record<string, string>).added === "1",
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/language/briefings",
      kind: "page",
      summary: "Record a language briefing (date, subject, agency); audited",
      access: BRIEFING_ROLES,
      example: () => ({ form: { heldOn: "2026-01-15", title: "Language matters: CSE and CCE" } }),
      handler: async ({ req, reply, user }) => {
        const form = (req.body ?? {}) as Record<string, string>;
        try {
          await addBriefing(app, actorOf(user!, req), {
            heldOn: (form.heldOn ?? "").trim(),
            title: form.title ?? "",
            agencyId: form.agencyId || null,
          });
          return reply.redirect("/language/briefings?added=1", 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          const agencies = await app.db
            .selectFrom("agencies")
            .select(["id", "name"])
            .orderBy("name")
            .execute();
          return reply.page(
            "language/views/briefings.njk",
            {
              title: "Language briefings",
              briefings: await listBriefings(app),
              values: form,
              agencyItems: [
                { value: "", text: "All agencies (partnership-wide)" },
                ...agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === form.agencyId })),
              ],
              ...errorsFor(e.fields),
            },
            400,
          );
        }
      },
    }),
  ];
}
