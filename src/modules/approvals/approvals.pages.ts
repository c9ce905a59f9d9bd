// Pages for two-person approval of bulk exports: "Exports and approvals" (your requests, with the
// download for approved ones; for managers, their agency's requests to decide), and a request's
// page where a manager approves or refuses it with their password.
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { Invalid } from "../../platform/errors.ts";
import { errorSummary } from "../../web/errors.ts";
import { actorOf } from "../access/index.ts";
import { passwordConfirmed } from "../identity/index.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import {
  DOWNLOAD_WINDOW_HOURS,
  decideRequest,
  listRequests,
  requestForApprover,
} from "./approvals.service.ts";

const idParams = z.object({ id: z.uuid({ message: "must be an id" }) });

/** Where each kind of approved export is downloaded from. */
const DOWNLOAD_URL: Record<string, (id: string) => string> = {
  tracker: (id) => `/tracker/export/${id}/download`,
};

/** The "Exports and approvals" page (also used to show a failed download's error). */
export async function renderApprovals(
  app: App,
  reply: FastifyReply,
  user: SessionUser,
  extra: Record<string, unknown> = {},
  status = 200,
) {
  const lists = await listRequests(app, user);
  return reply.page(
    "approvals/views/approvals.njk",
    {
      title: "Exports and approvals",
      ...lists,
      isManager: user.roles.includes("manager"),
      threshold: app.config.BULK_EXPORT_CHILDREN,
      windowHours: DOWNLOAD_WINDOW_HOURS,
      downloadUrl: Object.fromEntries(lists.mine.map((r) => [r.id, DOWNLOAD_URL[r.kind](r.id)])),
      ...extra,
    },
    status,
  );
}

export function approvalsPages(app: App): RouteDef[] {
  const manager = rolesOnly("manager");
  const renderRequest = async (
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    id: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const r = await requestForApprover(app, user, actorOf(user, req), id);
    return reply.page(
      "approvals/views/request.njk",
      { title: `Export request ${r.reference}`, r, own: r.requestedById === user.id, ...extra },
      status,
    );
  };
  return [
    defineRoute({
      method: "GET",
      url: "/approvals",
      kind: "page",
      summary:
        "Exports and approvals: your bulk-export requests (download approved ones); managers: your agency's requests to decide",
      access: rolesOnly(...SAFEGUARDING_ROLES),
      handler: async ({ req, reply, user }) => {
        const decided = (req.query as Record<string, unknown>).decided;
        return renderApprovals(app, reply, user!, {
          flash: typeof decided === "string" ? decided.slice(0, 20) : null,
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/approvals/:id",
      kind: "page",
      summary: "A bulk-export request, for a manager of the requesting agency to approve or refuse",
      access: manager,
      recordPolicy: "export.approve",
      params: idParams,
      example: (f) => ({ params: { id: f.pendingExportId } }),
      handler: ({ req, reply, user, params }) => renderRequest(req, reply, user!, params.id),
    }),
    defineRoute({
      method: "POST",
      url: "/approvals/:id",
      kind: "page",
      summary:
        "Approve or refuse a bulk-export request (a manager of the requesting agency, not the requester; password; a reason to refuse)",
      access: manager,
      recordPolicy: "export.approve",
      params: idParams,
      example: (f) => ({
        params: { id: f.pendingExportId },
        form: { decision: "approve", password: f.password, version: "1", reason: "" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Record<string, string>;
        const decision = form.decision === "approve" || form.decision === "refuse" ? form.decision : null;
        const issues: { field: string; message: string }[] = [];
        if (!decision)
          issues.push({ field: "decision", message: "Choose whether to approve or refuse the export" });
        if (!(await passwordConfirmed(app.db, user!.id, form.password ?? "")))
          issues.push({
            field: "password",
            message: form.password ? "The password is not correct" : "Enter your password to confirm",
          });
        try {
          if (issues.length) throw new Invalid(issues[0].message, issues);
          const r = await decideRequest(app, user!, actorOf(user!, req), params.id, {
            decision: decision!,
            reason: form.reason ?? "",
            version: Number(form.version),
          });
          return reply.redirect(`/approvals?decided=${encodeURIComponent(r.reference)}`, 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          return renderRequest(
            req,
            reply,
            user!,
            params.id,
            { ...errorSummary(e.fields), values: { decision, reason: form.reason ?? "" } },
            400,
          );
        }
      },
    }),
  ];
}
