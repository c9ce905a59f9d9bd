// Import pages: the list, uploading a file, mapping its columns, the check (progress, row errors,
// the error report) and the decision, and the outcome.
import type { FastifyRequest } from "fastify";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { Invalid } from "../../platform/errors.ts";
import { errorSummary } from "../../web/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { isSsda903, KINDS, type Mapping } from "./imports.fields.ts";
import { batchIdParams, fixtureId } from "./imports.schema.ts";
import { IMPORT_ROLES } from "./imports.scope.ts";
import { type BatchView, importsService } from "./imports.service.ts";
import { IMPORT_KINDS, type ImportKind, type Subject } from "./imports.tables.ts";
import { uploadedFile } from "./imports.upload.ts";

const roles = rolesOnly(...IMPORT_ROLES);
const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? "") : typeof v === "string" ? v : "");
const form = (req: FastifyRequest) => (req.body ?? {}) as Record<string, unknown>;

export const STATUS: Record<string, { text: string; tag: string }> = {
  uploaded: { text: "Columns to map", tag: "govuk-tag--blue" },
  validating: { text: "Checking rows", tag: "govuk-tag--yellow" },
  validated: { text: "Checked: your decision", tag: "govuk-tag--purple" },
  importing: { text: "Importing", tag: "govuk-tag--yellow" },
  imported: { text: "Imported", tag: "govuk-tag--green" },
  cancelled: { text: "Nothing imported", tag: "govuk-tag--grey" },
  failed: { text: "Could not be read", tag: "govuk-tag--red" },
  duplicate: { text: "Already imported", tag: "govuk-tag--grey" },
};

export function importsPages(app: App): RouteDef[] {
  const s = importsService(app);

  async function uploadPage(values: Record<string, string>, extra: Record<string, unknown> = {}) {
    const agencies = await s.agencies();
    return {
      title: "Import a file",
      values,
      agencies: agencies.map((a) => ({ value: a.id, text: a.name, selected: a.id === values.agencyId })),
      kinds: IMPORT_KINDS.map((k) => ({
        value: k,
        text: KINDS[k].label,
        hint: { text: KINDS[k].hint },
        checked: values.kind === k,
      })),
      ...extra,
    };
  }

  async function batchPage(u: SessionUser, v: BatchView) {
    const errors = v.status === "validated" || v.status === "failed" ? await s.errors(u, v.id, 200) : [];
    const percent =
      v.status === "importing" && v.rowsTotal ? Math.round((100 * v.rowsDone) / v.rowsTotal) : null;
    return {
      title: `Import ${v.reference}`,
      batch: v,
      status: STATUS[v.status],
      kindLabel: KINDS[v.kind].label,
      fieldLabels: Object.fromEntries(KINDS[v.kind].fields.map((f) => [f.name, f.label])),
      errors: [],
      rowErrors: errors,
      percent,
      running: v.status === "validating" || v.status === "importing",
    };
  }

  return [
    defineRoute({
      method: "GET",
      url: "/imports",
      kind: "page",
      summary: "Imports: files from agencies, their status and outcome",
      access: roles,
      handler: async ({ reply, user }) => {
        const list = await s.list(user!);
        return reply.page("imports/views/list.njk", {
          title: "Imports",
          list: list.map((b) => ({ ...b, status: STATUS[b.status], kindLabel: KINDS[b.kind].label })),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/imports/new",
      kind: "page",
      summary: "Import a file: an agency's extract, the tracker, or SSDA903 tables",
      access: roles,
      handler: async ({ reply, user }) =>
        reply.page(
          "imports/views/new.njk",
          await uploadPage({ agencyId: user!.agencyId, kind: "extract", subject: "child" }),
        ),
    }),
    defineRoute({
      method: "POST",
      url: "/imports",
      kind: "page",
      summary: "Upload a file to import (multipart form; or pasted CSV text)",
      access: roles,
      example: (f) => ({
        form: {
          agencyId: fixtureId(f, "importAgencyId"),
          kind: "extract",
          subject: "child",
          sourceName: "Authorization test paste",
          content: "Record ID,First name,Surname,Date of birth\nA-1,Test,Child,23/04/2011\n",
        },
      }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const values = {
          agencyId: str(f.agencyId),
          kind: str(f.kind),
          subject: str(f.subject) || "child",
          sourceName: str(f.sourceName),
          content: str(f.content),
        };
        try {
          const file = uploadedFile(f.file);
          const pasted = values.content.trim();
          const content =
            file && file.data.length > 0
              ? file.data
              : pasted
                ? Buffer.from(`${pasted}\n`, "utf8")
                : Buffer.alloc(0);
          if (!(IMPORT_KINDS as readonly string[]).includes(values.kind))
            throw new Invalid("Choose what kind of file this is", [
              { field: "kind", message: "Choose what kind of file this is" },
            ]);
          const r = await s.upload(user!, actorOf(user!, req), {
            agencyId: values.agencyId,
            kind: values.kind as ImportKind,
            subject: (values.subject === "person" ? "person" : "child") as Subject,
            sourceName: values.sourceName,
            filename: file?.filename || (pasted ? "pasted rows" : null),
            content,
          });
          const v = await s.get(user!, r.batchId);
          return reply.redirect(
            v.status === "uploaded" ? `/imports/${v.id}/mapping` : `/imports/${v.id}`,
            303,
          );
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          return reply.page("imports/views/new.njk", await uploadPage(values, errorSummary(e.fields)), 400);
        }
      },
    }),
    defineRoute({
      method: "GET",
      url: "/imports/:id",
      kind: "page",
      summary: "An import: progress, row errors, the decision, the outcome",
      access: roles,
      params: batchIdParams,
      example: (f) => ({ params: { id: fixtureId(f, "importBatchId") } }),
      handler: async ({ reply, user, params }) => {
        const v = await s.get(user!, params.id);
        return reply.page("imports/views/batch.njk", await batchPage(user!, v));
      },
    }),
    defineRoute({
      method: "GET",
      url: "/imports/:id/errors.csv",
      kind: "page",
      summary: "Download an import's error report (CSV: row, field, value, reason)",
      access: roles,
      params: batchIdParams,
      example: (f) => ({ params: { id: fixtureId(f, "importBatchId") } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await s.errorReportCsv(user!, actorOf(user!, req), params.id);
        reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="${r.filename}"`)
          .header("cache-control", "no-store")
          .send(r.csv);
        return reply;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/imports/:id/mapping",
      kind: "page",
      summary:
        "Map an import's columns to Lantern's fields (suggested from the source's saved mapping and column names)",
      access: roles,
      params: batchIdParams,
      example: (f) => ({ params: { id: fixtureId(f, "importBatchId") } }),
      handler: async ({ reply, user, params }) => {
        const v = await s.get(user!, params.id);
        if (!["uploaded", "validated"].includes(v.status)) return reply.redirect(`/imports/${v.id}`, 303);
        return reply.page(
          "imports/views/mapping.njk",
          await mappingPage(user!, v, await s.suggestedMapping(user!, v)),
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/imports/:id/mapping",
      kind: "page",
      summary: "Save the column mapping and check every row",
      access: roles,
      params: batchIdParams,
      example: (f) => ({
        params: { id: fixtureId(f, "importBatchId") },
        form: {
          version: "1",
          map_0: "record_id",
          map_1: "given_name",
          map_2: "family_name",
          map_3: "date_of_birth",
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const f = form(req);
        const v = await s.get(user!, params.id);
        const mapping: Mapping = {};
        v.header.forEach((h, i) => {
          const field = str(f[`map_${i}`]);
          if (field && field !== "ignore") mapping[h] = field;
        });
        try {
          const version = Number(str(f.version));
          await s.saveMapping(
            user!,
            actorOf(user!, req),
            params.id,
            mapping,
            Number.isInteger(version) && version > 0 ? version : null,
          );
          return reply.redirect(`/imports/${params.id}`, 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          const col = (field: string) => {
            const i = v.header.indexOf(field);
            if (i >= 0) return `#map_${i}`;
            const j = v.header.findIndex((h) => mapping[h] === field);
            return `#map_${Math.max(j, 0)}`;
          };
          return reply.page(
            "imports/views/mapping.njk",
            {
              ...(await mappingPage(user!, v, mapping)),
              errors: e.fields.map((x) => ({ text: x.message, href: col(x.field) })),
              byColumn: Object.fromEntries(e.fields.map((x) => [col(x.field).slice(1), x.message])),
            },
            400,
          );
        }
      },
    }),
    defineRoute({
      method: "POST",
      url: "/imports/:id/decision",
      kind: "page",
      summary: "Import every row, only the valid rows, or nothing",
      access: roles,
      params: batchIdParams,
      example: (f) => ({
        params: { id: fixtureId(f, "importBatchId") },
        form: { version: "1", choice: "all" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const f = form(req);
        const choice = str(f.choice);
        try {
          if (!["all", "valid_only", "cancel"].includes(choice))
            throw new Invalid("Choose what to import", [
              { field: "choice", message: "Choose what to import" },
            ]);
          const version = Number(str(f.version));
          await s.decide(
            user!,
            actorOf(user!, req),
            params.id,
            choice as "all" | "valid_only" | "cancel",
            Number.isInteger(version) && version > 0 ? version : null,
          );
          return reply.redirect(`/imports/${params.id}`, 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          const v = await s.get(user!, params.id);
          return reply.page(
            "imports/views/batch.njk",
            { ...(await batchPage(user!, v)), ...errorSummary(e.fields) },
            400,
          );
        }
      },
    }),
  ];

  async function mappingPage(u: SessionUser, v: BatchView, mapping: Mapping) {
    const sample = await s.sample(u, v.id);
    const spec = KINDS[v.kind];
    const required = spec
      .requiredColumns(v.subject)
      .map((g) => g.map((f) => spec.fields.find((x) => x.name === f)?.label ?? f).join(" or "));
    return {
      title: `Map the columns of ${v.reference}`,
      batch: v,
      kindLabel: spec.label,
      subjectLabel: isSsda903(v.kind)
        ? "children looked after"
        : v.subject === "child"
          ? "children"
          : "persons of concern",
      required,
      columns: v.header.map((h, i) => ({
        index: i,
        header: h,
        examples: sample.rows.map((r) => r[i] ?? "").filter((x) => x.trim() !== ""),
        items: [
          { value: "ignore", text: "Do not import", selected: !mapping[h] },
          ...spec.fields.map((f) => ({ value: f.name, text: f.label, selected: mapping[h] === f.name })),
        ],
      })),
    };
  }
}
