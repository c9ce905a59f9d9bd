// The child's timeline as JSON: every entry the caller's access allows, newest first.
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { Forbidden } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { childIdParams } from "../people/people.schema.ts";
import { childTimeline, KIND_LABELS } from "./timeline.service.ts";

export function timelineRoutes(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/api/v1/children/:id/timeline",
      kind: "api",
      summary:
        "A child's timeline: referrals, screening, decisions, risk assessments, missing episodes (by your field groups)",
      tags: ["children"],
      access: rolesOnly(...SAFEGUARDING_ROLES),
      params: childIdParams,
      query: z.object({
        kind: z.enum(Object.keys(KIND_LABELS) as [string, ...string[]]).optional(),
        voice: z.enum(["1"]).optional().describe("Only entries with the child's own words or wishes"),
      }),
      recordPolicy: "child.readContent",
      response: z.object({
        entries: z.array(
          z.object({
            at: z.string(),
            kind: z.string(),
            title: z.string(),
            summary: z.string().nullable(),
            fieldGroup: z.string(),
            agency: z.string().nullable(),
            who: z.string().nullable(),
            href: z.string().nullable(),
            childsVoice: z
              .object({
                words: z.string().nullable(),
                wishes: z.string().nullable(),
                worker: z.string().nullable(),
              })
              .nullable(),
          }),
        ),
        notShown: z.array(z.string()).describe("Field groups with entries your access does not include"),
      }),
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params, query }) => {
        const d = await app.access.decide(user!, params.id);
        if (!d.read) throw new Forbidden(d.why);
        const t = await childTimeline(app, user!, actorOf(user!, req), params.id, d, {
          kinds: query.kind ? [query.kind] : [],
          voiceOnly: query.voice === "1",
        });
        reply.header("x-lantern-field-groups", d.fieldGroups.join(","));
        return {
          entries: t!.events.map((e) => ({
            at: e.at.toISOString(),
            kind: e.kind,
            title: e.title,
            summary: e.summary ?? null,
            fieldGroup: e.fieldGroup,
            agency: e.agency ?? null,
            who: e.who ?? null,
            href: e.href ?? null,
            childsVoice: e.voice
              ? {
                  words: e.voice.words ?? null,
                  wishes: e.voice.wishes ?? null,
                  worker: e.voice.worker ?? null,
                }
              : null,
          })),
          notShown: t!.hiddenGroups,
        };
      },
    }),
  ];
}
