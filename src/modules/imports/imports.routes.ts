// Imports API: upload a file, set its column mapping, decide, read status and errors.
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { actorOf } from "../access/access.service.ts";
import {
  batchIdParams,
  batchSchema,
  decisionBody,
  fixtureId,
  mappingBody,
  uploadBody,
} from "./imports.schema.ts";
import { IMPORT_ROLES } from "./imports.scope.ts";
import { type BatchView, importsService } from "./imports.service.ts";

const roles = rolesOnly(...IMPORT_ROLES);
const tags = ["imports"];

export const presentBatch = (v: BatchView) => ({
  id: v.id,
  reference: v.reference,
  status: v.status,
  agency: v.agency,
  source: v.source,
  kind: v.kind,
  subject: v.subject,
  filename: v.filename,
  sha256: v.fileHash,
  bytes: v.fileSize,
  header: v.header,
  mapping: v.mapping,
  rows: {
    total: v.rowsTotal,
    valid: v.rowsValid,
    invalid: v.rowsInvalid,
    done: v.rowsDone,
    inserted: v.rowsInserted,
    updated: v.rowsUpdated,
    unchanged: v.rowsUnchanged,
  },
  onlyValid: v.onlyValid,
  duplicateOf: v.duplicateOf?.reference ?? null,
  error: v.error,
  uploadedAt: v.uploadedAt.toISOString(),
});

export function importsRoutes(app: App): RouteDef[] {
  const s = importsService(app);
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/imports",
      kind: "api",
      summary: "Recent imports, newest first",
      tags,
      access: roles,
      response: z.object({ imports: z.array(batchSchema) }),
      handler: async ({ user }) => ({ imports: (await s.list(user!)).map(presentBatch) }),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/imports",
      kind: "api",
      summary:
        "Upload a file (CSV text, or base64 CSV/.xlsx) from an agency; the same file again for the same source changes nothing",
      description:
        "Then PUT its mapping (GET it first for the suggested one), then POST the decision. A file with row errors imports nothing unless the decision is valid_only.",
      tags,
      access: roles,
      body: uploadBody,
      status: 201,
      response: batchSchema,
      example: (f) => ({
        body: {
          agencyId: fixtureId(f, "importAgencyId"),
          kind: "extract",
          subject: "child",
          sourceName: "Authorization test extract",
          filename: "authz.csv",
          content: "Record ID,First name,Surname,Date of birth\nA-1,Test,Child,23/04/2011\n",
        },
      }),
      handler: async ({ req, reply, user, body }) => {
        const content =
          body.content !== undefined
            ? Buffer.from(body.content, "utf8")
            : Buffer.from(body.contentBase64 ?? "", "base64");
        const r = await s.upload(user!, actorOf(user!, req), {
          agencyId: body.agencyId,
          kind: body.kind,
          subject: body.subject,
          sourceName: body.sourceName,
          filename: body.filename ?? null,
          content,
        });
        const v = await s.get(user!, r.batchId);
        if (r.replayed) reply.header("idempotent-replayed", "true");
        setEtag(reply, v.version);
        return presentBatch(v);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/imports/:id",
      kind: "api",
      summary: "An import: status, progress, counts, its columns and mapping (suggested until one is saved)",
      tags,
      access: roles,
      params: batchIdParams,
      response: batchSchema.extend({ suggestedMapping: z.record(z.string(), z.string()) }),
      example: (f) => ({ params: { id: fixtureId(f, "importBatchId") } }),
      handler: async ({ reply, user, params }) => {
        const v = await s.get(user!, params.id);
        setEtag(reply, v.version);
        return { ...presentBatch(v), suggestedMapping: await s.suggestedMapping(user!, v) };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/imports/:id/errors",
      kind: "api",
      summary: "An import's row errors (row as a spreadsheet numbers it: the header is row 1)",
      tags,
      access: roles,
      params: batchIdParams,
      response: z.object({
        errors: z.array(
          z.object({ row: z.number(), field: z.string(), value: z.string().nullable(), reason: z.string() }),
        ),
      }),
      example: (f) => ({ params: { id: fixtureId(f, "importBatchId") } }),
      handler: async ({ user, params }) => {
        await s.get(user!, params.id);
        const rows = await s.errors(user!, params.id, 10_000);
        return {
          errors: rows.map((r) => ({ row: r.row_number, field: r.field, value: r.value, reason: r.reason })),
        };
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/api/v1/imports/:id/mapping",
      kind: "api",
      summary: "Save the column mapping (saved for the source too) and check every row (If-Match)",
      tags,
      access: roles,
      params: batchIdParams,
      body: mappingBody,
      response: batchSchema,
      example: (f) => ({
        params: { id: fixtureId(f, "importBatchId") },
        body: {
          mapping: {
            "Record ID": "record_id",
            "First name": "given_name",
            Surname: "family_name",
            "Date of birth": "date_of_birth",
          },
        },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        await s.get(user!, params.id);
        await s.saveMapping(user!, actorOf(user!, req), params.id, body.mapping, requireIfMatch(req));
        const v = await s.get(user!, params.id);
        setEtag(reply, v.version);
        return presentBatch(v);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/imports/:id/decision",
      kind: "api",
      summary: "Import every row, only the valid rows, or nothing (If-Match)",
      tags,
      access: roles,
      params: batchIdParams,
      body: decisionBody,
      response: batchSchema,
      example: (f) => ({
        params: { id: fixtureId(f, "importBatchId") },
        body: { choice: "all" },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        await s.get(user!, params.id);
        await s.decide(user!, actorOf(user!, req), params.id, body.choice, requireIfMatch(req));
        const v = await s.get(user!, params.id);
        setEtag(reply, v.version);
        return presentBatch(v);
      },
    }),
  ];
}
