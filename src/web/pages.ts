// The web shell's own pages: home, accessibility statement. Module pages live in their modules.
import type { App } from "../app.ts";
import { defineRoute, PUBLIC, type RouteDef, SIGNED_IN } from "../http/routes.ts";
import { ROLE_LABELS } from "../modules/identity/roles.ts";
import { referralHome } from "../modules/referrals/index.ts";

export function shellPages(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/",
      kind: "page",
      summary: "Home: the signed-in user's work",
      access: SIGNED_IN,
      handler: async ({ req, reply }) => {
        const work = await referralHome(app, req.user!, req);
        return reply.page(work?.template ?? "home.njk", {
          roleLabels: req.user!.roles.map((r) => ROLE_LABELS[r]),
          ...work?.data,
        });
      },
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
