// Intelligence API (/api/v1): persons of concern, entities, links, intelligence reports, the link
// chart (k-hop ego network with communities, centrality and brokers), paths, networks and pins.
import type { FastifyReply } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { requireIfMatch, setEtag } from "../../http/etag.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { actorOf } from "../access/access.service.ts";
import { childIdParams } from "../people/people.schema.ts";
import {
  INTEL_EDIT_ROLES,
  INTEL_SUBMIT_ROLES,
  INTEL_VIEW_ROLES,
  SANITISE_ROLES,
} from "./intelligence.policy.ts";
import {
  type ChartQuery,
  chartQuery,
  chartSchema,
  entityInput,
  idParams,
  linkInput,
  networksQuery,
  nodeRefSchema,
  pathQuery,
  permissionInput,
  personInput,
  pinInput,
  reportInput,
  sanitiseInput,
} from "./intelligence.schema.ts";
import type { Services } from "./services.ts";

const view = rolesOnly(...INTEL_VIEW_ROLES);
const edit = rolesOnly(...INTEL_EDIT_ROLES);
const submit = rolesOnly(...INTEL_SUBMIT_ROLES);
const sanitiseRoles = rolesOnly(...SANITISE_ROLES);
/** 201 for a new record; a replayed Idempotency-Key answers 200 with the same record. */
const created = (reply: FastifyReply, r: { created: boolean }) => {
  if (r.created) return r;
  reply.code(200).send(r);
  return reply;
};
const idem = (h: unknown) => (typeof h === "string" && h.length <= 200 ? h : undefined);
const personQuery = z.object({ q: z.string().trim().max(100).optional() });
const entityQuery = z.object({
  q: z.string().trim().max(100).optional(),
  kind: z.enum(["location", "vehicle", "phone", "online_account", "organisation"]).optional(),
});
const reportsQuery = z.object({ subject: nodeRefSchema.optional() });

export function intelligenceRoutes(_app: App, s: Services): RouteDef[] {
  return [
    // ----- persons of concern -----
    defineRoute({
      method: "GET",
      url: "/api/v1/intelligence/persons",
      kind: "api",
      summary: "Persons of concern (search by name, alias or reference)",
      tags: ["intelligence"],
      access: view,
      query: personQuery,
      handler: async ({ user, query }) => ({ persons: await s.intel.listPersons(user!, { q: query.q }) }),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/intelligence/persons",
      kind: "api",
      summary: "Record a person of concern (Idempotency-Key honoured)",
      tags: ["intelligence"],
      access: edit,
      body: personInput,
      status: 201,
      example: () => ({ body: { given_name: "Dean", family_name: "Example", aliases: ["D"], sex: "male" } }),
      handler: async ({ req, reply, user, body }) => {
        const r = await s.intel.createPerson(
          user!,
          actorOf(user!, req),
          body,
          idem(req.headers["idempotency-key"]),
        );
        return created(reply, r);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/intelligence/persons/:id",
      kind: "api",
      summary: "A person of concern (the registered sex offender flag only for police and the owning agency)",
      tags: ["intelligence"],
      access: view,
      params: idParams,
      example: (f) => ({ params: { id: f.personId ?? f.childId } }),
      handler: async ({ reply, user, params }) => {
        const p = await s.intel.getPerson(user!, params.id);
        setEtag(reply, p.version);
        return { person: p };
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/api/v1/intelligence/persons/:id",
      kind: "api",
      summary: "Change a person of concern (the agency that recorded them; If-Match required)",
      tags: ["intelligence"],
      access: edit,
      params: idParams,
      body: personInput,
      example: (f) => ({
        params: { id: f.ownPersonId ?? f.childId },
        body: { given_name: "Dean", family_name: "Changed", sex: "male" },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await s.intel.updatePerson(
          user!,
          actorOf(user!, req),
          params.id,
          () => requireIfMatch(req),
          body,
        );
        setEtag(reply, r.version);
        return r;
      },
    }),
    // ----- entities -----
    defineRoute({
      method: "GET",
      url: "/api/v1/intelligence/entities",
      kind: "api",
      summary: "Places, vehicles, phones, online accounts and organisations",
      tags: ["intelligence"],
      access: view,
      query: entityQuery,
      handler: async ({ user, query }) => ({ entities: await s.intel.listEntities(user!, query) }),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/intelligence/entities",
      kind: "api",
      summary: "Record a place, vehicle, phone, online account or organisation",
      tags: ["intelligence"],
      access: edit,
      body: entityInput,
      status: 201,
      example: () => ({
        body: { kind: "location", label: "Example Takeaway, Kesterbridge", subtype: "takeaway" },
      }),
      handler: async ({ req, reply, user, body }) => {
        const r = await s.intel.createEntity(
          user!,
          actorOf(user!, req),
          body,
          idem(req.headers["idempotency-key"]),
        );
        return created(reply, r);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/intelligence/entities/:id",
      kind: "api",
      summary: "One entity",
      tags: ["intelligence"],
      access: view,
      params: idParams,
      example: (f) => ({ params: { id: f.entityId ?? f.childId } }),
      handler: async ({ user, params }) => ({ entity: await s.intel.getEntity(user!, params.id) }),
    }),
    // ----- links -----
    defineRoute({
      method: "POST",
      url: "/api/v1/intelligence/links",
      kind: "api",
      summary:
        "Link two things (type, dates, grading, provenance). A child end needs a legitimate relationship or break-glass.",
      tags: ["intelligence"],
      access: edit,
      body: linkInput,
      status: 201,
      example: (f) => ({
        body: {
          from: `person:${f.personId}`,
          to: `entity:${f.entityId}`,
          link_type: "frequents",
          valid_from: "2026-01-01",
          grading: "2BP",
        },
      }),
      handler: async ({ req, reply, user, body }) => {
        const r = await s.intel.createLink(
          user!,
          actorOf(user!, req),
          body,
          idem(req.headers["idempotency-key"]),
        );
        return created(reply, r);
      },
    }),
    // ----- intelligence reports -----
    defineRoute({
      method: "GET",
      url: "/api/v1/intelligence/reports",
      kind: "api",
      summary:
        "Intelligence reports you may see: originals (your agency; police for P-coded), sanitised versions (partners, P-coded)",
      tags: ["intelligence"],
      access: submit,
      query: reportsQuery,
      handler: async ({ req, user, query }) => ({
        reports: await s.intel.listReports(user!, actorOf(user!, req), { subject: query.subject }),
      }),
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/intelligence/reports",
      kind: "api",
      summary: "Submit intelligence graded 3x5x2, linked to the people, children and things it is about",
      tags: ["intelligence"],
      access: submit,
      body: reportInput,
      status: 201,
      example: (f) => ({
        body: {
          text: "Seen with two younger boys at the takeaway after midnight.",
          source_evaluation: "2",
          intelligence_assessment: "B",
          handling_code: "P",
          subjects: f.personId ? [`person:${f.personId}`] : [],
        },
      }),
      handler: async ({ req, reply, user, body }) => {
        const r = await s.intel.submitReport(
          user!,
          actorOf(user!, req),
          body,
          idem(req.headers["idempotency-key"]),
        );
        return created(reply, r);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/intelligence/reports/:id",
      kind: "api",
      summary: "One intelligence report, as your agency may see it (404 when it may not)",
      tags: ["intelligence"],
      access: submit,
      params: idParams,
      example: (f) => ({ params: { id: f.reportId ?? f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await s.intel.getReport(user!, actorOf(user!, req), params.id);
        setEtag(reply, r.report.version);
        return r;
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/api/v1/intelligence/reports/:id/sanitised",
      kind: "api",
      summary: "Sanitise a report for sharing (originating agency's analyst or manager; If-Match required)",
      tags: ["intelligence"],
      access: sanitiseRoles,
      params: idParams,
      body: sanitiseInput,
      example: (f) => ({
        params: { id: f.reportId ?? f.childId },
        body: { sanitised_text: "An adult is believed to meet children at a takeaway." },
        headers: { "if-match": 'W/"v1"' },
      }),
      handler: async ({ req, reply, user, params, body }) => {
        const r = await s.intel.sanitise(
          user!,
          actorOf(user!, req),
          params.id,
          () => requireIfMatch(req),
          body.sanitised_text,
        );
        setEtag(reply, r.version);
        return r;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/api/v1/intelligence/reports/:id/permissions",
      kind: "api",
      summary: "Permit another agency to receive a C-coded report (originating agency)",
      tags: ["intelligence"],
      access: sanitiseRoles,
      params: idParams,
      body: permissionInput,
      status: 201,
      example: (f) => ({
        params: { id: f.cReportId ?? f.childId },
        body: { agency_id: f.otherAgencyId ?? f.childId, conditions: "For the MACE panel only" },
      }),
      handler: async ({ req, user, params, body }) =>
        s.intel.permit(user!, actorOf(user!, req), params.id, body.agency_id, body.conditions ?? null),
    }),
    // ----- the link chart -----
    defineRoute({
      method: "GET",
      url: "/api/v1/network/chart",
      kind: "api",
      summary:
        "The link chart: k-hop ego network (default 2) around one or more entities, plus expanded nodes, filtered by entity type, link type and dates; communities, degree, betweenness, brokers",
      description:
        "Children are shown by name only to viewers with access to their record; others see the reference (signpost level) and cannot expand them. Every child shown is audited.",
      tags: ["network"],
      access: view,
      query: chartQuery,
      response: chartSchema,
      example: (f) => ({ query: { centre: `person:${f.personId ?? f.childId}`, radius: "2" } }),
      handler: async ({ req, user, query }) =>
        s.network.chart(user!, actorOf(user!, req), query as unknown as ChartQuery),
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/children/:id/network",
      kind: "api",
      summary: "The link chart centred on a child (needs access to the child's record)",
      tags: ["network"],
      access: view,
      params: childIdParams,
      query: chartQuery,
      response: chartSchema,
      recordPolicy: "child.network",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params, query }) => {
        const q = query as unknown as ChartQuery;
        const data = await s.network.chart(user!, actorOf(user!, req), {
          ...q,
          centre: [{ kind: "child", id: params.id }],
        });
        reply.header("x-lantern-field-groups", "identity");
        return data;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/network/path",
      kind: "api",
      summary: "A shortest path (fewest links) between two entities, through what you may see",
      tags: ["network"],
      access: view,
      query: pathQuery,
      example: (f) => ({ query: { from: `person:${f.personId}`, to: `entity:${f.entityId}` } }),
      handler: async ({ req, user, query }) =>
        s.network.path(user!, actorOf(user!, req), query.from, query.to, {
          from: query.start,
          to: query.end,
        }),
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/network/networks",
      kind: "api",
      summary:
        "Detected networks (Louvain communities with two or more people): children, adults, places, size, brokers",
      tags: ["network"],
      access: view,
      query: networksQuery,
      handler: async ({ req, user, query }) =>
        s.network.networks(user!, actorOf(user!, req), { from: query.from, to: query.to }),
    }),
    defineRoute({
      method: "GET",
      url: "/api/v1/network/pins",
      kind: "api",
      summary: "Your pins and notes on the link chart",
      tags: ["network"],
      access: view,
      handler: async ({ user }) => ({ pins: await s.intel.listPins(user!) }),
    }),
    defineRoute({
      method: "PUT",
      url: "/api/v1/network/pins",
      kind: "api",
      summary: "Pin an entity on the link chart, with an optional note and position",
      tags: ["network"],
      access: view,
      body: pinInput,
      example: (f) => ({ body: { node: `person:${f.personId}`, note: "Check the car", x: 10, y: 20 } }),
      handler: async ({ req, user, body }) => s.intel.pin(user!, actorOf(user!, req), body),
    }),
    defineRoute({
      method: "DELETE",
      url: "/api/v1/network/pins",
      kind: "api",
      summary: "Remove a pin",
      tags: ["network"],
      access: view,
      query: z.object({ node: nodeRefSchema }),
      example: (f) => ({ query: { node: `person:${f.personId}` } }),
      handler: async ({ req, user, query }) => s.intel.unpin(user!, actorOf(user!, req), query.node),
    }),
  ];
}
