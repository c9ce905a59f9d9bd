// Every endpoint and page is declared once with defineRoute: method, path, what it is, who may call
// it (access) and its zod schemas. The same declarations build the Fastify routes, the OpenAPI
// document and the generated authorization tests, so an endpoint cannot exist without a policy.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ZodType, z } from "zod";
import type { Role } from "../modules/identity/roles.ts";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who may call a route. Finer, record-level decisions are made by the access module in services. */
export type Access = { kind: "public" } | { kind: "signed-in" } | { kind: "roles"; roles: readonly Role[] };
export const PUBLIC: Access = { kind: "public" };
export const SIGNED_IN: Access = { kind: "signed-in" };
export const rolesOnly = (...roles: Role[]): Access => ({ kind: "roles", roles });

export type SessionUser = {
  id: string;
  email: string;
  displayName: string;
  agencyId: string;
  agencyName: string;
  agencyKind: string;
  roles: Role[];
  sessionId: string;
};

export type HandlerContext<B, Q, P> = {
  req: FastifyRequest;
  reply: FastifyReply;
  user: SessionUser | null;
  body: B;
  query: Q;
  params: P;
};

/** Record-level rules a route enforces through the access module (see RECORD_POLICIES). */
export type { RecordPolicy } from "../modules/access/access.policy.ts";

import type { RecordPolicy } from "../modules/access/access.policy.ts";

/**
 * Test fixture handed to route examples: ids of records the generated authorization test creates
 * (test/integration/authz-fixture.ts builds it; modules add the records their routes need).
 */
export type AuthzFixture = {
  childId: string;
  breakGlassId: string;
  email: string;
  password: string;
  [record: string]: string;
};
export type RouteExample = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  form?: Record<string, string>;
  headers?: Record<string, string>;
};

export type RouteDef<
  B extends ZodType = ZodType,
  Q extends ZodType = ZodType,
  P extends ZodType = ZodType,
  R extends ZodType = ZodType,
> = {
  method: Method;
  url: string;
  kind: "api" | "page" | "system";
  summary: string;
  description?: string;
  tags?: string[];
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** Response body schema for the OpenAPI document (status 200/201). */
  response?: R;
  status?: number;
  /** The record-level rule this route applies, if any. */
  recordPolicy?: RecordPolicy;
  /** How the generated authorization test calls this route (required when the path has parameters). */
  example?: (f: AuthzFixture) => RouteExample;
  handler: (ctx: HandlerContext<z.output<B>, z.output<Q>, z.output<P>>) => Promise<unknown> | unknown;
};

export function defineRoute<B extends ZodType, Q extends ZodType, P extends ZodType, R extends ZodType>(
  def: RouteDef<B, Q, P, R>,
): RouteDef {
  return def as unknown as RouteDef;
}

export const allows = (access: Access, user: SessionUser | null): boolean => {
  if (access.kind === "public") return true;
  if (!user) return false;
  if (access.kind === "signed-in") return true;
  return user.roles.some((r) => access.roles.includes(r));
};
