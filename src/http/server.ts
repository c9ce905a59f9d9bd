// The HTTP server: security headers (strict CSP with nonces), sessions, CSRF, request ids, one
// error mapping, routes from the declared RouteDefs, OpenAPI document and browsable docs.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { ZodType } from "zod";
import type { App } from "../app.ts";
import { Forbidden, Invalid, NotFound, TooManyRequests, Unauthenticated } from "../platform/errors.ts";
import { hmac, newToken, safeEqual } from "../platform/ids.ts";
import { navigationFor } from "../web/navigation.ts";
import { createViews } from "../web/render.ts";
import { describeError } from "./errors.ts";
import { buildOpenApi } from "./openapi.ts";
import { allows, type RouteDef, type SessionUser } from "./routes.ts";

declare module "fastify" {
  interface FastifyRequest {
    user: SessionUser | null;
    anonId: string | null;
    sessionExpiresAt: Date | null;
  }
  interface FastifyReply {
    page(template: string, data?: Record<string, unknown>, status?: number): FastifyReply;
  }
}

export const SESSION_COOKIE = "lantern_session";
export const ANON_COOKIE = "lantern_anon";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

export const csrfTokenFor = (secret: string, req: FastifyRequest): string =>
  hmac(secret, req.user ? `csrf:session:${req.user.sessionId}` : `csrf:anon:${req.anonId ?? ""}`);

function formatZodIssues(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ field: i.path.map(String).join(".") || "body", message: i.message }));
}

export function parseWith<T>(schema: ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const fields = formatZodIssues(r.error);
    throw new Invalid(
      `The ${what} has ${fields.length === 1 ? "a problem" : `${fields.length} problems`}: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`,
      fields,
    );
  }
  return r.data;
}

export async function buildServer(app: App, routes: RouteDef[]): Promise<FastifyInstance> {
  const views = createViews();
  const server = Fastify({
    loggerInstance: app.logger as unknown as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 25 * 1024 * 1024,
    trustProxy: process.env.TRUST_PROXY === "true",
  });

  server.decorateRequest("user", null);
  server.decorateRequest("anonId", null);
  server.decorateRequest("sessionExpiresAt", null);
  server.decorateReply("page", function (this: FastifyReply, template: string, data = {}, status = 200) {
    const req = this.request;
    const html = views.render(template, {
      cspNonce: this.cspNonce?.script,
      user: req.user,
      csrfToken: csrfTokenFor(app.config.sessionSecret, req),
      currentPath: req.url.split("?")[0],
      navigation: req.user ? navigationFor(req.user.roles, req.url.split("?")[0]) : [],
      requestId: req.id,
      ...data,
    });
    this.code(status).type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
    return this;
  });

  await server.register(cookie, { secret: app.config.sessionSecret });
  await server.register(formbody, { bodyLimit: 2 * 1024 * 1024 });
  await server.register(multipart, (await import("../modules/imports/imports.upload.ts")).multipartOptions);
  await server.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
    referrerPolicy: { policy: "same-origin" },
    crossOriginEmbedderPolicy: false,
  });

  await server.register(fastifyStatic, {
    root: join(root, "node_modules", "govuk-frontend", "dist", "govuk", "assets"),
    prefix: "/assets/",
    maxAge: "1d",
  });
  await server.register(fastifyStatic, {
    root: [join(root, "src", "web", "static"), join(root, "node_modules", "govuk-frontend", "dist", "govuk")],
    prefix: "/static/",
    decorateReply: false,
    allowedPath: (path) => !path.includes(".."),
    maxAge: "1h",
  });

  const cookieOpts = {
    path: "/",
    httpOnly: true,
    secure: app.config.COOKIE_SECURE,
    sameSite: "lax" as const,
  };

  // Who is asking: the session cookie, else an anonymous id (for sign-in form CSRF).
  server.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
    if (req.url.startsWith("/assets/") || req.url.startsWith("/static/")) return;
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const s = await app.identity.load(token);
      if (s) {
        req.user = { ...s.user, sessionId: s.sessionId };
        req.sessionExpiresAt = s.idleExpiresAt;
      } else {
        reply.clearCookie(SESSION_COOKIE, { path: "/" });
      }
    }
    const anon = req.cookies[ANON_COOKIE];
    if (anon && /^[A-Za-z0-9_-]{20,64}$/.test(anon)) req.anonId = anon;
    else if (!req.user) {
      req.anonId = newToken(18);
      reply.setCookie(ANON_COOKIE, req.anonId, cookieOpts);
    }
  });

  // CSRF: every state-changing request made with a session, and every form post, carries a token
  // bound to the session (HMAC of its id). JSON requests without a session cannot be sent
  // cross-site without a CORS preflight, which Lantern never grants.
  server.addHook("preHandler", async (req) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return;
    const type = String(req.headers["content-type"] ?? "");
    const isJson = type.startsWith("application/json");
    if (!req.user && isJson) return;
    const body = req.body as Record<string, unknown> | undefined;
    const sent =
      (req.headers["x-csrf-token"] as string | undefined) ??
      (typeof body?._csrf === "string" ? body._csrf : "");
    if (!sent || !safeEqual(sent, csrfTokenFor(app.config.sessionSecret, req))) {
      throw new Forbidden(
        "The form has expired or did not come from Lantern. Go back, reload the page and try again.",
        {
          csrf: true,
        },
      );
    }
  });

  const isApi = (req: FastifyRequest) => req.url.startsWith("/api/");

  server.setErrorHandler((err, req, reply) => {
    const { status, body } = describeError(err, req.id);
    if (status >= 500) req.log.error({ err }, "request failed");
    else req.log.info({ code: body.error.code, status }, "request refused");
    if (err instanceof TooManyRequests) reply.header("retry-after", String(err.retryAfterSeconds));
    if (isApi(req) || req.url === "/healthz" || req.url === "/readyz") {
      return reply.code(status).type("application/json").send(body);
    }
    if (err instanceof Unauthenticated) {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`);
    }
    const template =
      status === 404
        ? "errors/404.njk"
        : status === 403
          ? "errors/403.njk"
          : status >= 500
            ? "errors/500.njk"
            : "errors/error.njk";
    return reply.page(template, { status, message: body.error.message }, status);
  });

  server.setNotFoundHandler((req, reply) => {
    const { body } = describeError(new NotFound("There is nothing at this address."), req.id);
    if (isApi(req)) return reply.code(404).type("application/json").send(body);
    return reply.page("errors/404.njk", {}, 404);
  });

  for (const r of routes) {
    server.route({
      method: r.method,
      url: r.url,
      handler: async (req, reply) => {
        if (!allows(r.access, req.user)) {
          if (!req.user) throw new Unauthenticated("Sign in to continue.");
          throw new Forbidden("Your role does not allow this.");
        }
        const parse = r.kind === "api";
        const body = parse && r.body ? parseWith(r.body, req.body ?? {}, "request body") : req.body;
        const query = parse && r.query ? parseWith(r.query, req.query ?? {}, "query") : req.query;
        const params = r.params ? parseWith(r.params, req.params ?? {}, "address") : req.params;
        const out = await r.handler({ req, reply, user: req.user, body, query, params });
        if (reply.sent) return reply;
        if (out === undefined) return reply;
        // A replayed idempotent request answers 200 with the original result, not the create status.
        if (r.status && !reply.hasHeader("idempotent-replayed")) reply.code(r.status);
        return out;
      },
    });
  }

  const document = buildOpenApi(routes, pkg.version);
  server.get("/api/openapi.json", async () => document);
  await server.register(swagger, { mode: "static", specification: { document: document as never } });
  await server.register(swaggerUi, {
    routePrefix: "/api/docs",
    staticCSP: true,
    transformStaticCSP: (h: string) =>
      h
        .replace(/upgrade-insecure-requests;?/g, "")
        .replace(/ https:/g, "")
        .replace(/validator\.swagger\.io/g, ""),
    uiConfig: { validatorUrl: null, docExpansion: "list" } as never,
  });

  return server;
}
