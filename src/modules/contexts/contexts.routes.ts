// Contexts API (/api/v1): the active peer groups, places and online spaces.
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { contextsList } from "./contexts.service.ts";
import { CONTEXT_KINDS } from "./contexts.vocab.ts";

export function contextsRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/contexts",
      kind: "api",
      summary:
        "Active contexts (peer groups, places, online spaces) with the number of linked children you work with",
      tags: ["contexts"],
      access: rolesOnly(...SAFEGUARDING_ROLES),
      query: z.object({ kind: z.enum(CONTEXT_KINDS).optional() }),
      handler: async ({ user, query }) => ({ contexts: await contextsList(app, user!, query.kind) }),
    }),
  ];
}
