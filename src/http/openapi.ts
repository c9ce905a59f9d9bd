// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests.
import { z } from "zod";
import type { RouteDef } from "./routes.ts";

const toSchema = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
};

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "requestId"],
      properties: {
        code: { type: "string", description: "Stable machine-readable code, e.g. invalid, not_found" },
        message: { type: "string", description: "What went wrong, for a person" },
        fields: {
          type: "array",
          items: {
            type: "object",
            required: ["field", "message"],
            properties: { field: { type: "string" }, message: { type: "string" } },
          },
        },
        requestId: { type: "string" },
      },
    },
  },
};

export function buildOpenApi(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes.filter((x) => x.kind === "api" || x.kind === "system")) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, "{$1}");
    const parameters: unknown[] = [];
    const paramNames = [...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]);
    const paramShape = r.params
      ? (toSchema(r.params).properties as Record<string, unknown> | undefined)
      : undefined;
    for (const name of paramNames) {
      parameters.push({ name, in: "path", required: true, schema: paramShape?.[name] ?? { type: "string" } });
    }
    if (r.query) {
      const qs = toSchema(r.query);
      const req = new Set((qs.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((qs.properties as Record<string, unknown>) ?? {})) {
        parameters.push({ name, in: "query", required: req.has(name), schema });
      }
    }
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: {
        description: "Success",
        ...(r.response ? { content: { "application/json": { schema: toSchema(r.response) } } } : {}),
      },
      default: {
        description: "Error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      },
    };
    const op: Record<string, unknown> = {
      operationId: `${r.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: r.summary,
      tags: r.tags ?? [],
      ...(r.description ? { description: r.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { "application/json": { schema: toSchema(r.body) } } } }
        : {}),
      responses,
      ...(r.access.kind === "public" ? { security: [] } : {}),
      "x-lantern-access": r.access,
    };
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Lantern API",
      version,
      description:
        "Multi-agency safeguarding against child sexual and criminal exploitation. Every read and write of a child's data is authorised by the access module and audited.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "lantern_session",
          description: "Sign in at /sign-in",
        },
      },
    },
    security: [{ session: [] }],
  };
}
