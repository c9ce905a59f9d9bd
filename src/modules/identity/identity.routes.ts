// Sign-in API: create a session, read it (with the CSRF token for later writes), end it.
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, PUBLIC, type RouteDef, SIGNED_IN } from "../../http/routes.ts";
import { csrfTokenFor, SESSION_COOKIE } from "../../http/server.ts";
import { sessionInfoSchema, signInSchema } from "./identity.schema.ts";

export const sessionCookieOptions = (app: App) => ({
  path: "/",
  httpOnly: true,
  secure: app.config.COOKIE_SECURE,
  sameSite: "lax" as const,
  maxAge: app.config.SESSION_ABSOLUTE_HOURS * 3600,
});

export function identityRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "POST",
      url: "/api/v1/session",
      kind: "api",
      summary: "Sign in with email and password; sets the session cookie",
      tags: ["identity"],
      access: PUBLIC,
      body: signInSchema,
      response: z.object({ ok: z.literal(true) }),
      status: 201,
      example: (f) => ({ body: { email: f.email, password: f.password } }),
      handler: async ({ body, req, reply }) => {
        const { token } = await app.identity.signIn(body.email, body.password, {
          ip: req.ip,
          userAgent: req.headers["user-agent"] ?? null,
        });
        reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(app));
        return { ok: true };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/session",
      kind: "api",
      summary: "The signed-in user, their agency and roles, and the CSRF token for writes",
      tags: ["identity"],
      access: SIGNED_IN,
      response: sessionInfoSchema,
      handler: ({ req }) => {
        const u = req.user!;
        return {
          user: {
            id: u.id,
            email: u.email,
            displayName: u.displayName,
            agency: { id: u.agencyId, name: u.agencyName, kind: u.agencyKind },
            roles: u.roles,
          },
          csrfToken: csrfTokenFor(app.config.sessionSecret, req),
          expiresAt: req.sessionExpiresAt?.toISOString() ?? "",
        };
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/api/v1/session",
      kind: "api",
      summary: "Sign out",
      tags: ["identity"],
      access: SIGNED_IN,
      status: 204,
      handler: async ({ req, reply }) => {
        await app.identity.signOut(req.user!.sessionId);
        reply.clearCookie(SESSION_COOKIE, { path: "/" });
        return reply.code(204).send();
      },
    }),
  ];
}
