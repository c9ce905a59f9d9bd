// Sign-in and sign-out pages.
import type { App } from "../../app.ts";
import { defineRoute, PUBLIC, type RouteDef, SIGNED_IN } from "../../http/routes.ts";
import { SESSION_COOKIE } from "../../http/server.ts";
import { TooManyRequests, Unauthenticated } from "../../platform/errors.ts";
import { sessionCookieOptions } from "./identity.routes.ts";
import { signInSchema } from "./identity.schema.ts";

const safeNext = (next: unknown): string =>
  typeof next === "string" && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")
    ? next
    : "/";

export function identityPages(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/sign-in",
      kind: "page",
      summary: "Sign-in page",
      access: PUBLIC,
      handler: ({ req, reply }) => {
        const q = req.query as Record<string, string>;
        if (req.user) return reply.redirect(safeNext(q.next));
        return reply.page("identity/views/sign-in.njk", {
          next: safeNext(q.next),
          signedOut: q.signed_out === "1",
          timedOut: q.timeout === "1",
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/sign-in",
      kind: "page",
      summary: "Sign in",
      access: PUBLIC,
      example: (f) => ({ form: { email: f.email, password: f.password } }),
      handler: async ({ req, reply }) => {
        const form = (req.body ?? {}) as Record<string, string>;
        const next = safeNext(form.next);
        const parsed = signInSchema.safeParse(form);
        if (!parsed.success) {
          const errors = parsed.error.issues.map((i) => ({ text: i.message, href: `#${String(i.path[0])}` }));
          const byField = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
          return reply.page("identity/views/sign-in.njk", { errors, byField, email: form.email, next }, 400);
        }
        try {
          const { token } = await app.identity.signIn(parsed.data.email, parsed.data.password, {
            ip: req.ip,
            userAgent: req.headers["user-agent"] ?? null,
          });
          reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(app));
          return reply.redirect(next, 303);
        } catch (e) {
          if (e instanceof Unauthenticated || e instanceof TooManyRequests) {
            const status = e instanceof TooManyRequests ? 429 : 401;
            return reply.page(
              "identity/views/sign-in.njk",
              { errors: [{ text: e.message, href: "#email" }], byField: {}, email: form.email, next },
              status,
            );
          }
          throw e;
        }
      },
    }),
    defineRoute({
      method: "POST",
      url: "/sign-out",
      kind: "page",
      summary: "Sign out",
      access: SIGNED_IN,
      handler: async ({ req, reply }) => {
        await app.identity.signOut(req.user!.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: "/" });
        return reply.redirect("/sign-in?signed_out=1", 303);
      },
    }),
  ];
}
