// Language API: check text (live hints and other clients), the dictionary for administrators
// (export, add, change with If-Match), and the practice report's figures.
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { NotFound } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { addEntry, currentDictionary, editEntry } from "./dictionary.service.ts";
import { latestRevision } from "./language.queries.ts";
import {
  CATEGORY_LABELS,
  changeResponse,
  checkBody,
  checkResponse,
  dictionaryResponse,
  entryDraftSchema,
  entryIdParams,
} from "./language.schema.ts";
import { checkText } from "./language.service.ts";
import { buildReport } from "./report.service.ts";

export const REPORT_ROLES = ["manager", "analyst", "committee"] as const;

export function languageRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "POST",
      url: "/api/v1/language/check",
      kind: "api",
      summary:
        "Check text for wording that blames the child: each flag with its category, why it matters and alternatives. Stores nothing.",
      description:
        "Used by the live hints on every narrative field. Offsets are JavaScript string indices into text. Quoted words (the child's own account) come back as notes, not flags. Nothing about the text is stored or audited; findings are recorded only when the text is saved, by the module that saves it.",
      tags: ["language"],
      access: rolesOnly(...SAFEGUARDING_ROLES),
      body: checkBody,
      response: checkResponse,
      example: () => ({ body: { text: "She keeps putting herself at risk." } }),
      handler: async ({ reply, body }) => {
        const r = await checkText(app, body.text);
        reply.header("cache-control", "no-store");
        return {
          flags: r.flags.map((f) => ({
            phrase: f.phrase,
            start: f.start,
            end: f.end,
            category: f.category,
            categoryLabel: CATEGORY_LABELS[f.category],
            why: f.why,
            alternatives: f.alternatives,
            entryId: f.entryId,
          })),
          notes: r.notes,
          dictionaryVersion: r.dictionaryVersion,
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/language/dictionary",
      kind: "api",
      summary:
        "The current dictionary, in the same format as the shipped dictionary.json (retired entries included)",
      tags: ["language"],
      access: rolesOnly("admin"),
      response: dictionaryResponse,
      handler: async () => {
        const d = await currentDictionary(app);
        return {
          version: d.label,
          dictionaryVersion: d.version,
          macros: d.dictionary.macros ?? {},
          entries: d.dictionary.entries,
        };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/language/dictionary/entries",
      kind: "api",
      summary:
        "Add a dictionary entry (validated by the checker engine, examples tested); makes a new dictionary version; audited",
      tags: ["language"],
      access: rolesOnly("admin"),
      body: entryDraftSchema,
      status: 201,
      response: changeResponse,
      example: () => ({
        body: {
          id: `authz-${newId().slice(0, 8)}`,
          pattern: "rule breaker~",
          category: "labelling",
          why: "Labels the child instead of describing what happened.",
          alternatives: ["describe what happened and what it may tell us"],
        },
      }),
      handler: async ({ req, reply, user, body }) => {
        const r = await addEntry(app, actorOf(user!, req), body);
        setEtag(reply, r.entryVersion);
        return { entryId: r.entryId, entryVersion: r.entryVersion, dictionaryVersion: r.label };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/language/dictionary/entries/:entryId",
      kind: "api",
      summary: "One dictionary entry as it stands now (ETag = its version)",
      tags: ["language"],
      access: rolesOnly("admin"),
      params: entryIdParams,
      example: (f) => ({ params: { entryId: f.languageEntryId } }),
      handler: async ({ reply, params }) => {
        await currentDictionary(app);
        const rev = await latestRevision(app.db, params.entryId);
        if (!rev) throw new NotFound(`There is no dictionary entry "${params.entryId}".`);
        setEtag(reply, rev.entry_version);
        return rev.data;
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/api/v1/language/dictionary/entries/:entryId",
      kind: "api",
      summary:
        "Change a dictionary entry, or retire/restore it with active (send If-Match with its ETag); makes a new dictionary version; audited",
      tags: ["language"],
      access: rolesOnly("admin"),
      params: entryIdParams,
      body: entryDraftSchema,
      response: changeResponse,
      example: (f) => ({
        params: { entryId: f.languageEntryId },
        headers: { "if-match": 'W/"v1"' },
        body: {
          id: f.languageEntryId,
          pattern: "rule breaker~",
          category: "labelling",
          why: "Labels the child instead of describing the behaviour and what it may communicate.",
          alternatives: ["describe what happened and what it may tell us"],
          active: false,
        },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const expected = requireIfMatch(req);
        const r = await editEntry(app, actorOf(user!, req), params.entryId, expected, body);
        setEtag(reply, r.entryVersion);
        return { entryId: r.entryId, entryVersion: r.entryVersion, dictionaryVersion: r.label };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/language/report",
      kind: "api",
      summary:
        "Practice report figures: flags per 1,000 words by agency or team and month, phrases, overrides, briefings (small numbers suppressed)",
      description:
        'Counts from 1 to 4 are "<5"; "[c]" marks a number hidden so that totals cannot reveal a small one. Committee members get agencies only; reasons for keeping wording are returned to managers, for their own agency.',
      tags: ["language"],
      access: rolesOnly(...REPORT_ROLES),
      query: z.object({
        from: z.string().optional(),
        to: z.string().optional(),
        by: z.enum(["agency", "team"]).optional(),
        agency: z.uuid().optional(),
      }),
      handler: async ({ req, user, query }) => {
        const r = await buildReport(
          app,
          { userId: user!.id, agencyId: user!.agencyId, roles: user!.roles },
          actorOf(user!, req),
          {
            from: query.from,
            to: query.to,
            by: query.by,
            agencyId: query.agency,
          },
        );
        const c = (x: { shown: string }) => x.shown;
        return {
          period: r.period,
          by: r.by,
          summary: { ...r.summary, flags: c(r.summary.flags), kept: c(r.summary.kept) },
          rows: r.rows.map((row) => ({
            label: row.label,
            months: row.cells.map((x, i) => ({
              month: r.period.months[i].key,
              flags: c(x.count),
              rate: x.rate,
            })),
            total: { flags: c(row.total.count), rate: row.total.rate },
          })),
          totals: r.totals.map((x, i) => ({
            month: r.period.months[i].key,
            flags: c(x.count),
            rate: x.rate,
          })),
          grand: { flags: c(r.grand.count), rate: r.grand.rate },
          phrases: r.phrases.map((p) => ({
            entryId: p.entryId,
            category: p.category,
            phrase: p.phrase,
            flags: c(p.count),
            kept: c(p.kept),
          })),
          briefings: r.briefings.map((b) => ({
            heldOn: b.heldOn,
            title: b.title,
            agency: b.agency,
            before: { flags: c(b.before.count), rate: b.before.rate },
            after: { flags: c(b.after.count), rate: b.after.rate, days: b.after.days },
          })),
          reasons: r.reasons,
        };
      },
    }),
  ];
}
