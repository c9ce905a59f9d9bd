// Children API: search and signpost, open a record (redacted to the caller's field groups), update
// the core record with optimistic concurrency, break-glass.
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { languageKeptSchema } from "../language/index.ts";
import { addNote, listNotes, NOTE_GROUPS } from "./notes.service.ts";
import {
  breakGlassSchema,
  childIdParams,
  childRecordSchema,
  childUpdateSchema,
  searchQuery,
  signpostSchema,
} from "./people.schema.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);

export function peopleRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/children/:id/notes",
      kind: "api",
      summary:
        "Case notes on a child's record that your access allows, newest first (corrections point at the originals)",
      tags: ["children"],
      access: safeguarding,
      params: childIdParams,
      recordPolicy: "child.readContent",
      example: (f) => ({ params: { id: f.childId } }),
      response: z.object({
        notes: z.array(
          z.object({
            id: z.uuid(),
            fieldGroup: z.string(),
            occurredAt: z.string(),
            text: z.string(),
            author: z.string(),
            agency: z.string(),
            correctsId: z.uuid().nullable(),
            correctedBy: z.array(z.uuid()),
          }),
        ),
      }),
      handler: async ({ req, reply, user, params }) => {
        const r = await listNotes(app, user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", r.decision.fieldGroups.join(","));
        return {
          notes: r.notes.map((n) => ({
            id: n.id,
            fieldGroup: n.field_group,
            occurredAt: new Date(n.occurred_at).toISOString(),
            text: n.text,
            author: n.author,
            agency: n.agency,
            correctsId: n.corrects_id,
            correctedBy: n.correctedBy,
          })),
        };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/children/:id/notes",
      kind: "api",
      summary:
        "Add a case note as your agency, or a correction pointing at an earlier note (send Idempotency-Key to make retries safe)",
      tags: ["children"],
      access: safeguarding,
      params: childIdParams,
      body: z.object({
        text: z.string().trim().min(1, "Enter the note").max(20_000),
        occurredAt: z.iso
          .datetime({ offset: true, message: "must be a date-time like 2026-11-25T14:30:00Z" })
          .optional(),
        fieldGroup: z.enum(NOTE_GROUPS).optional(),
        correctsId: z.uuid().optional(),
        languageKept: z
          .array(languageKeptSchema)
          .max(200)
          .optional()
          .describe(
            "flagged wording the writer chose to keep, each with a reason (see POST /api/v1/language/check)",
          ),
      }),
      status: 201,
      recordPolicy: "child.addEntry",
      example: (f) => ({
        params: { id: f.childId },
        body: { text: "Met at school. Said they feel safer since moving placement." },
      }),
      response: z.object({ id: z.uuid() }),
      handler: async ({ req, reply, user, params, body }) => {
        const key = req.headers["idempotency-key"];
        const r = await addNote(app, user!, actorOf(user!, req), params.id, {
          ...body,
          idempotencyKey: typeof key === "string" ? key.slice(0, 100) : null,
        });
        if (r.replayed) reply.code(200).header("idempotent-replayed", "true");
        return { id: r.id };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/children",
      kind: "api",
      summary: "Search for a child (name, fuzzy; date of birth; NHS number; school): signpost results only",
      tags: ["children"],
      access: safeguarding,
      query: searchQuery,
      response: z.object({ results: z.array(signpostSchema) }),
      example: () => ({ query: { name: "Test" } }),
      handler: async ({ req, user, query }) => ({
        results: await app.access.search(user!, actorOf(user!, req), query),
      }),
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/children/:id",
      kind: "api",
      summary: "A child's record: only the field groups your access allows (or the signpost), audited",
      tags: ["children"],
      access: safeguarding,
      params: childIdParams,
      response: childRecordSchema,
      recordPolicy: "child.read",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await app.access.openChild(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", r.decision.fieldGroups.join(","));
        setEtag(reply, r.child?.version);
        return {
          access: {
            basis: r.decision.basis,
            why: r.decision.why,
            fieldGroups: r.decision.fieldGroups,
            canEdit: r.decision.write,
          },
          child: r.child,
          signpost: r.signpost ? { reference: r.signpost.reference, agencies: r.signpost.agencies } : null,
        };
      },
    }),
    defineRoute({
      method: "PATCH",
      url: "/api/v1/children/:id",
      kind: "api",
      summary: "Change a child's core record (owning agency's allocated worker; If-Match required)",
      tags: ["children"],
      access: safeguarding,
      params: childIdParams,
      body: childUpdateSchema,
      recordPolicy: "child.write",
      example: (f) => ({
        params: { id: f.childId },
        body: { first_language: "English" },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const child = await app.access.updateChild(
          user!,
          actorOf(user!, req),
          params.id,
          () => requireIfMatch(req),
          body,
        );
        setEtag(reply, child.version);
        return { child };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/children/:id/break-glass",
      kind: "api",
      summary:
        "Break-glass: time-limited access to one child, with a reason and your password; reviewed by an auditor",
      tags: ["children"],
      access: safeguarding,
      params: childIdParams,
      body: breakGlassSchema,
      status: 201,
      recordPolicy: "child.breakGlass",
      example: (f) => ({
        params: { id: f.childId },
        body: { reason: "Child found at 2am, need placement details", password: f.password },
      }),
      response: z.object({ id: z.uuid(), expiresAt: z.string() }),
      handler: async ({ req, user, params, body }) => {
        const r = await app.access.breakGlass(
          user!,
          actorOf(user!, req),
          params.id,
          body.reason,
          body.password,
        );
        return { id: r.id, expiresAt: r.expiresAt.toISOString() };
      },
    }),
  ];
}
