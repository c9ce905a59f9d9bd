// Children pages: search and signpost, the child record (redacted by access), break-glass.
import { randomUUID } from "node:crypto";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { Forbidden, Invalid, Unauthenticated } from "../../platform/errors.ts";
import { FIELD_GROUP_LABELS, FIELD_GROUPS } from "../access/access.policy.ts";
import { actorOf } from "../access/access.service.ts";
import { type Role, SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { INTEL_VIEW_ROLES } from "../intelligence/index.ts";
import { parseLanguageOverrides } from "../language/index.ts";
import { linkageService } from "../linkage/index.ts";
import { recordExtras } from "../timeline/index.ts";
import { addNote, listNotes, NOTE_GROUPS } from "./notes.service.ts";
import { childIdParams, searchQuery } from "./people.schema.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);

const SEX: Record<string, string> = { female: "Female", male: "Male", other: "Other", unknown: "Not known" };
const SEND: Record<string, string> = {
  none: "None",
  sen_support: "SEN support",
  ehcp: "Education, health and care plan",
  unknown: "Not known",
};
const NOTE_GROUP_LABELS: Record<string, string> = {
  narrative: "General (all agencies working with the child)",
  health: "Health (health staff only)",
  police_intelligence: "Police intelligence (police only)",
  education: "Education",
};
const yesNo = (v: unknown) => (v === true ? "Yes" : v === false ? "No" : "Not known");

export function peoplePages(app: App): RouteDef[] {
  return [
    defineRoute({
      method: "GET",
      url: "/children",
      kind: "page",
      summary: "Find a child (search and signpost)",
      access: safeguarding,
      handler: async ({ req, reply, user }) => {
        const raw = req.query as Record<string, string>;
        const searched = ["name", "dateOfBirth", "nhsNumber", "school"].some((k) => raw[k]);
        if (!searched) return reply.page("people/views/search.njk", { q: {} });
        const parsed = searchQuery.safeParse(
          Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "")),
        );
        if (!parsed.success) {
          const errors = parsed.error.issues.map((i) => ({
            text: `${i.message}`,
            href: `#${String(i.path[0])}`,
          }));
          return reply.page(
            "people/views/search.njk",
            {
              q: raw,
              errors,
              byField: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])),
            },
            400,
          );
        }
        const results = await app.access.search(user!, actorOf(user!, req), parsed.data);
        return reply.page("people/views/search.njk", { q: raw, results, searched: true });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/children/:id",
      kind: "page",
      summary: "A child's record, or the signpost when you have no access",
      access: safeguarding,
      params: childIdParams,
      recordPolicy: "child.read",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await app.access.openChild(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", r.decision.fieldGroups.join(","));
        if (!r.child)
          return reply.page("people/views/signpost.njk", {
            signpost: r.signpost,
            decision: r.decision,
            title: "Child known to the partnership",
          });
        const c = r.child;
        const school = c.school_agency_id
          ? (
              await app.db
                .selectFrom("agencies")
                .select("name")
                .where("id", "=", c.school_agency_id)
                .executeTakeFirst()
            )?.name
          : null;
        const shown = new Set(r.decision.fieldGroups);
        const sections = FIELD_GROUPS.filter((g) =>
          ["identity", "contact", "placement", "education"].includes(g),
        ).map((g) => ({
          group: g,
          label: FIELD_GROUP_LABELS[g],
          shown: shown.has(g),
          rows:
            g === "identity"
              ? [
                  ["Name", [c.given_name, c.family_name].filter(Boolean).join(" ") || "Not known"],
                  ["Other names", c.other_names || "None recorded"],
                  ["Date of birth", c.date_of_birth ?? "Not known"],
                  ["Sex", SEX[c.sex ?? "unknown"]],
                  ["Ethnicity", c.ethnicity ?? "Not recorded"],
                  ["NHS number", c.nhs_number ?? "Not recorded"],
                  ["Unique pupil number", c.upn ?? "Not recorded"],
                  ["First language", c.first_language ?? "Not recorded"],
                  ["Special educational needs", SEND[c.send_status ?? "unknown"]],
                  ["Disability", yesNo(c.disability)],
                  ["Looked after", yesNo(c.looked_after)],
                ]
              : g === "contact"
                ? [
                    [
                      "Home address",
                      [c.home_address, c.home_postcode].filter(Boolean).join(", ") || "Not recorded",
                    ],
                  ]
                : g === "placement"
                  ? c.looked_after
                    ? [
                        ["Placement", c.placement_type ?? "Not recorded"],
                        ["Placing authority", c.placing_authority ?? "Not recorded"],
                        [
                          "Placement address",
                          [c.placement_address, c.placement_postcode].filter(Boolean).join(", ") ||
                            "Not recorded",
                        ],
                        ["Placed out of area", yesNo(c.out_of_area)],
                      ]
                    : [["Placement", "Not looked after"]]
                  : [["School", school ?? "Not recorded"]],
        }));
        const notes = await listNotes(app, user!, actorOf(user!, req), params.id);
        return reply.page("people/views/record.njk", {
          knownBy: await linkageService(app).knownBy(params.id),
          ...(await recordExtras(app, user!, actorOf(user!, req), params.id, r.decision, req.query as never)),
          notes: notes.notes,
          noteGroups: NOTE_GROUPS.filter((g) =>
            (r.decision.fieldGroups as readonly string[]).includes(g),
          ).map((g) => ({ value: g, text: NOTE_GROUP_LABELS[g] })),
          noteToken: randomUUID(),
          added: (req.query as Record<string, string>).added === "1",
          child: c,
          decision: r.decision,
          sections,
          canSeeLog: r.decision.accessLog,
          related: relatedPages(params.id, user!.roles),
          title: [c.given_name, c.family_name].filter(Boolean).join(" ") || c.reference,
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/children/:id/break-glass",
      kind: "page",
      summary: "Ask for break-glass access to a child's record",
      access: safeguarding,
      params: childIdParams,
      recordPolicy: "child.breakGlass",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ reply, user, params }) => {
        const d = await app.access.decide(user!, params.id);
        if (d.read) return reply.redirect(`/children/${params.id}`);
        if (!d.breakGlass) throw new Forbidden("Your role cannot use break-glass access.");
        return reply.page("people/views/break-glass.njk", {
          childId: params.id,
          values: {},
          title: "Break-glass access",
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/children/:id/break-glass",
      kind: "page",
      summary: "Use break-glass access",
      access: safeguarding,
      params: childIdParams,
      recordPolicy: "child.breakGlass",
      example: (f) => ({
        params: { id: f.childId },
        form: { reason: "Child found at 2am, need placement details", password: f.password },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Record<string, string>;
        try {
          await app.access.breakGlass(
            user!,
            actorOf(user!, req),
            params.id,
            form.reason ?? "",
            form.password ?? "",
          );
          return reply.redirect(`/children/${params.id}?glass=1`, 303);
        } catch (e) {
          const fields =
            e instanceof Invalid
              ? e.fields
              : e instanceof Unauthenticated
                ? [{ field: "password", message: e.message }]
                : null;
          if (!fields) throw e;
          return reply.page(
            "people/views/break-glass.njk",
            {
              childId: params.id,
              values: { reason: form.reason },
              errors: fields.map((f) => ({ text: f.message, href: `#${f.field}` })),
              byField: Object.fromEntries(fields.map((f) => [f.field, f.message])),
              title: "Break-glass access",
            },
            400,
          );
        }
      },
    }),
    defineRoute({
      method: "POST",
      url: "/children/:id/notes",
      kind: "page",
      summary: "Add a case note (or a correction) to a child's record",
      access: safeguarding,
      params: childIdParams,
      recordPolicy: "child.addEntry",
      example: (f) => ({
        params: { id: f.childId },
        form: { text: "Met at school. Said they feel safer.", token: randomUUID() },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Record<string, string>;
        try {
          await addNote(app, user!, actorOf(user!, req), params.id, {
            text: form.text ?? "",
            fieldGroup: (NOTE_GROUPS as readonly string[]).includes(form.fieldGroup)
              ? (form.fieldGroup as (typeof NOTE_GROUPS)[number])
              : undefined,
            correctsId: form.correctsId || null,
            idempotencyKey: form.token || null,
            languageKept: parseLanguageOverrides(form.languageOverride),
          });
          return reply.redirect(`/children/${params.id}?added=1#notes`, 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          const d = await app.access.decide(user!, params.id);
          return reply.page(
            "people/views/note-error.njk",
            {
              childId: params.id,
              text: form.text,
              token: form.token,
              correctsId: form.correctsId,
              languageOverrides: parseLanguageOverrides(form.languageOverride).map((o) => JSON.stringify(o)),
              noteGroups: NOTE_GROUPS.filter((g) => (d.fieldGroups as readonly string[]).includes(g)).map(
                (g) => ({
                  value: g,
                  text: NOTE_GROUP_LABELS[g],
                  checked: g === (form.fieldGroup || "narrative"),
                }),
              ),
              errors: e.fields.map((f) => ({
                text: f.message,
                href: `#${f.field === "fieldGroup" ? "fieldGroup" : "text"}`,
              })),
              byField: Object.fromEntries(e.fields.map((f) => [f.field, f.message])),
              title: "Add a case note",
            },
            400,
          );
        }
      },
    }),
  ];
}

/** The child's other pages, one hop from the record (each checks access again when opened). */
function relatedPages(childId: string, roles: readonly Role[]) {
  const pages = [
    {
      href: `/children/${childId}/tracker`,
      text: "Tracker, plans and meetings",
      hint: "The multi-agency plan and its actions, meetings, missing episodes and return interviews, placement and contexts",
    },
    {
      href: `/children/${childId}/assessments`,
      text: "Risk assessments",
      hint: "Each assessment with what drove the score, and the trajectory over time",
    },
  ];
  if (roles.some((r) => (INTEL_VIEW_ROLES as readonly Role[]).includes(r)))
    pages.push({
      href: `/children/${childId}/network`,
      text: "Link chart",
      hint: "The people, places, vehicles and phones linked to the child, with disruption",
    });
  return pages;
}
