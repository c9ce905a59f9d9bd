// Auditor pages: search the log, review break-glass, and "who has looked at this child".

import { z } from "zod";
import type { App } from "../../app.ts";
import { inScope } from "../../db/rls.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { Forbidden, Invalid, NotFound } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { childIdParams } from "../people/people.schema.ts";
import { breakGlassQueue, searchAudit } from "./audit.queries.ts";
import { auditQuery, reviewSchema } from "./audit.schema.ts";
import { audit, auditFor } from "./audit.service.ts";

const auditor = rolesOnly("auditor");
const reviewParams = z.object({ id: z.uuid() });

export function auditPages(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/audit",
      kind: "page",
      summary: "Search the audit log by child, user and date",
      access: auditor,
      handler: async ({ req, reply, user }) => {
        const raw = Object.fromEntries(
          Object.entries(req.query as Record<string, string>).filter(([, v]) => v !== ""),
        );
        const parsed = auditQuery.safeParse(raw);
        if (!parsed.success) {
          const errors = parsed.error.issues.map((i) => ({ text: i.message, href: `#${String(i.path[0])}` }));
          return reply.page("audit/views/search.njk", { q: raw, errors, rows: [] }, 400);
        }
        const q = parsed.data;
        const rows = await inScope(
          app.db,
          { scope: "system", userId: user!.id, agencyId: user!.agencyId },
          async (tx) => {
            let childId: string | undefined;
            let userId: string | undefined;
            if (q.child) {
              childId = (
                await tx
                  .selectFrom("children")
                  .select("id")
                  .where("reference", "=", q.child.toUpperCase())
                  .executeTakeFirst()
              )?.id;
              if (!childId)
                throw new Invalid("No child has that reference", [
                  { field: "child", message: "No child has that reference" },
                ]);
            }
            if (q.user) {
              userId = (
                await tx
                  .selectFrom("users")
                  .select("id")
                  .where("email", "=", q.user.toLowerCase())
                  .executeTakeFirst()
              )?.id;
              if (!userId)
                throw new Invalid("No user has that email", [
                  { field: "user", message: "No user has that email" },
                ]);
            }
            const to = q.to ? new Date(new Date(`${q.to}T00:00:00Z`).getTime() + 86_400_000) : undefined;
            const found = await searchAudit(tx, {
              childId,
              userId,
              from: q.from ? new Date(`${q.from}T00:00:00Z`) : undefined,
              to,
            });
            await audit(
              tx,
              auditFor(actorOf(user!, req), {
                action: "audit.search",
                childId: childId ?? null,
                reason: "audit review",
                details: { query: q, rows: found.length },
              }),
            );
            return found;
          },
        );
        return reply.page("audit/views/search.njk", { q: raw, rows, searched: Object.keys(raw).length > 0 });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/audit/break-glass",
      kind: "page",
      summary: "Break-glass review queue",
      access: auditor,
      handler: async ({ req, reply, user }) => {
        const all = (req.query as Record<string, string>).all === "1";
        const rows = await inScope(app.db, { scope: "system", userId: user!.id }, (tx) =>
          breakGlassQueue(tx, all),
        );
        return reply.page("audit/views/break-glass.njk", {
          rows,
          all,
          reviewed: (req.query as Record<string, string>).reviewed === "1",
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/audit/break-glass/:id",
      kind: "page",
      summary: "Review one break-glass access",
      access: auditor,
      params: reviewParams,
      example: (f) => ({
        params: { id: f.breakGlassId },
        form: { outcome: "justified", note: "Checked with the duty manager" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const parsed = reviewSchema.safeParse(req.body ?? {});
        if (!parsed.success) {
          const rows = await inScope(app.db, { scope: "system", userId: user!.id }, (tx) =>
            breakGlassQueue(tx, false),
          );
          return reply.page(
            "audit/views/break-glass.njk",
            { rows, errors: [{ text: parsed.error.issues[0].message, href: `#outcome-${params.id}` }] },
            400,
          );
        }
        await inScope(app.db, { scope: "system", userId: user!.id, agencyId: user!.agencyId }, async (tx) => {
          const row = await tx
            .selectFrom("break_glass")
            .selectAll()
            .where("id", "=", params.id)
            .executeTakeFirst();
          if (!row) throw new NotFound("There is no such break-glass access.");
          if (row.user_id === user!.id) throw new Forbidden("You cannot review your own break-glass access.");
          if (row.reviewed_at)
            throw new Invalid("This break-glass access has already been reviewed", [
              { field: "outcome", message: "Already reviewed" },
            ]);
          await tx
            .updateTable("break_glass")
            .set({
              reviewed_by: user!.id,
              reviewed_at: app.clock.now(),
              review_outcome: parsed.data.outcome,
              review_note: parsed.data.note ?? null,
            })
            .where("id", "=", params.id)
            .execute();
          await audit(
            tx,
            auditFor(actorOf(user!, req), {
              action: "break_glass.reviewed",
              recordType: "break_glass",
              recordId: params.id,
              childId: row.child_id,
              reason: parsed.data.note ?? null,
              details: { outcome: parsed.data.outcome },
            }),
          );
        });
        return reply.redirect("/audit/break-glass?reviewed=1", 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/children/:id/access-log",
      kind: "page",
      summary: "Who has looked at this child's record (allocated worker and auditors)",
      access: rolesOnly(...SAFEGUARDING_ROLES, "auditor"),
      params: childIdParams,
      recordPolicy: "child.accessLog",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const d = await app.access.decide(user!, params.id);
        if (!d.accessLog)
          throw new Forbidden(
            "Only the child's allocated worker and auditors can see who has looked at this record.",
          );
        const rows = await inScope(
          app.db,
          { scope: "system", userId: user!.id, agencyId: user!.agencyId },
          async (tx) => {
            const found = await searchAudit(tx, { childId: params.id, limit: 500 });
            await audit(
              tx,
              auditFor(actorOf(user!, req), {
                action: "child.access_log",
                recordType: "child",
                recordId: params.id,
                childId: params.id,
                reason: "who has looked at this record",
              }),
            );
            return found;
          },
        );
        const ref = await inScope(app.db, { scope: "signpost", userId: user!.id }, (tx) =>
          tx.selectFrom("children").select("reference").where("id", "=", params.id).executeTakeFirstOrThrow(),
        );
        return reply.page("audit/views/access-log.njk", {
          rows,
          childId: params.id,
          reference: ref.reference,
          title: "Who has looked at this record",
        });
      },
    }),
  ];
}
