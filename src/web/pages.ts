// The web shell's own pages: home, accessibility statement. Module pages live in their modules.
import type { App } from "../app.ts";
import { defineRoute, PUBLIC, type RouteDef, SIGNED_IN } from "../http/routes.ts";
import { ROLE_LABELS } from "../modules/identity/roles.ts";

export function shellPages(_app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/",
      kind: "page",
      summary: "Home: the signed-in user's work",
      access: SIGNED_IN,
      handler: ({ req, reply }) =>
        reply.page("home.njk", { roleLabels: req.user!.roles.map((r) => ROLE_LABELS[r]) }),
    }),
    defineRoute({
      method: "GET",
      url: "/accessibility",
      kind: "page",
      summary: "Accessibility statement",
      access: PUBLIC,
      handler: ({ reply }) => reply.page("accessibility.njk"),
    }),
  ];
}
