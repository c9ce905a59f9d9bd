// Intelligence pages: persons of concern, entities, links, intelligence reports, the link chart
// (Cytoscape.js on top of a server-rendered, accessible table view), networks, paths, export.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyRequest } from "fastify";
import { type ZodType, z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, PUBLIC, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { formatLondon } from "../../platform/clock.ts";
import { AppError, Invalid } from "../../platform/errors.ts";
import { newToken } from "../../platform/ids.ts";
import { actorOf } from "../access/access.service.ts";
import { passwordConfirmed } from "../identity/index.ts";
import { childIdParams } from "../people/people.schema.ts";
import {
  ASSESSMENT_LABELS,
  HANDLING_LABELS,
  INTEL_EDIT_ROLES,
  INTEL_SUBMIT_ROLES,
  INTEL_VIEW_ROLES,
  SANITISE_ROLES,
  SOURCE_EVALUATION_LABELS,
} from "./intelligence.policy.ts";
import {
  CHART_TYPE_LABELS,
  CHART_TYPES,
  type ChartQuery,
  chartQuery,
  ENTITY_KIND_LABELS,
  ENTITY_KINDS,
  entityInput,
  idParams,
  LINK_TYPES,
  linkInput,
  type NodeRef,
  nodeKey,
  parseNodeRef,
  personInput,
  reportInput,
} from "./intelligence.schema.ts";
import type { ChartData } from "./network.service.ts";
import { panelsFor } from "./panels.ts";
import type { Services } from "./services.ts";

const view = rolesOnly(...INTEL_VIEW_ROLES);
const edit = rolesOnly(...INTEL_EDIT_ROLES);
const submit = rolesOnly(...INTEL_SUBMIT_ROLES);
const sanitiseRoles = rolesOnly(...SANITISE_ROLES);

export const ETHNICITY_LABELS: Record<string, string> = {
  WBRI: "White – British",
  WIRI: "White – Irish",
  WIRT: "Traveller of Irish heritage",
  WROM: "Gypsy / Roma",
  WOTH: "Any other White background",
  MWBC: "White and Black Caribbean",
  MWBA: "White and Black African",
  MWAS: "White and Asian",
  MOTH: "Any other mixed background",
  AIND: "Indian",
  APKN: "Pakistani",
  ABAN: "Bangladeshi",
  AOTH: "Any other Asian background",
  BCRB: "Black Caribbean",
  BAFR: "Black African",
  BOTH: "Any other Black background",
  CHNE: "Chinese",
  OOTH: "Any other ethnic group",
  REFU: "Refused",
  NOBT: "Information not yet obtained",
};
const SEX_LABELS: Record<string, string> = {
  female: "Female",
  male: "Male",
  other: "Other",
  unknown: "Not known",
};

type Issue = { field: string; message: string };
const issuesOf = (e: unknown): Issue[] | null =>
  e instanceof Invalid ? (e.fields.length ? e.fields : [{ field: "body", message: e.message }]) : null;
export const errorView = (fields: Issue[]) => ({
  errors: fields.map((f) => ({ text: f.message, href: `#${f.field.split(".")[0]}` })),
  byField: Object.fromEntries(fields.map((f) => [f.field.split(".")[0], f.message])),
});
function zodIssues(r: {
  success: false;
  error: { issues: { path: PropertyKey[]; message: string }[] };
}): Issue[] {
  return r.error.issues.map((i) => ({ field: String(i.path[0] ?? "body"), message: i.message }));
}
export function parseForm<T>(
  schema: ZodType<T>,
  value: unknown,
): { ok: true; data: T } | { ok: false; issues: Issue[] } {
  const r = schema.safeParse(value);
  return r.success ? { ok: true, data: r.data } : { ok: false, issues: zodIssues(r) };
}
const form = (req: FastifyRequest) => (req.body ?? {}) as Record<string, string | string[] | undefined>;
const str = (v: unknown) => (Array.isArray(v) ? String(v[0] ?? "") : typeof v === "string" ? v : "");
const arr = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === "string" && v ? [v] : []);
const yesNo = (v: string) => (v === "yes" ? true : v === "no" ? false : null);

/** The person form (strings) → the API's input shape. */
function personFromForm(f: Record<string, unknown>) {
  const age = str(f.estimated_age).trim();
  return {
    given_name: str(f.given_name),
    family_name: str(f.family_name),
    aliases: str(f.aliases)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    date_of_birth: str(f.date_of_birth).trim() || null,
    estimated_age: age ? (/^\d+$/.test(age) ? Number(age) : Number.NaN) : null,
    sex: str(f.sex) || "unknown",
    ethnicity: str(f.ethnicity),
    disability: yesNo(str(f.disability)),
    description: str(f.description),
    registered_sex_offender: str(f.registered_sex_offender) === "yes",
  };
}

/** Query-string form of a chart query (for links, forms and the API URL the script fetches). */
export function chartSearch(q: ChartQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  if (q.centre.length) p.set("centre", q.centre.map(nodeKey).join(","));
  p.set("radius", String(q.radius));
  if (q.expand.length) p.set("expand", q.expand.map(nodeKey).join(","));
  if (q.from) p.set("from", q.from);
  if (q.to) p.set("to", q.to);
  if (q.types.length) p.set("types", q.types.join(","));
  if (q.links.length) p.set("links", q.links.join(","));
  if (q.derived !== "include") p.set("derived", q.derived);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

const TACTIC_HINT =
  "Disruption: notices, orders, closures and referrals are recorded on the disruption panel.";

function chartView(
  data: ChartData,
  q: ChartQuery,
  base: string,
  extra: { view: string; centreLabel: string; panels: unknown[]; recorded?: string },
) {
  const search = chartSearch(q);
  const label = new Map(data.nodes.map((n) => [n.id, n.label]));
  const brokers = data.nodes.filter((n) => n.broker);
  const allLinkTypes = Object.entries(LINK_TYPES).map(([value, text]) => ({
    value,
    text,
    checked: q.links.includes(value),
  }));
  return {
    title: `Link chart: ${extra.centreLabel}`,
    chart: data,
    q,
    base,
    search,
    view: extra.view,
    apiUrl: base.startsWith("/children/") ? `/api/v1${base}?${search}` : `/api/v1/network/chart?${search}`,
    chartUrl: `${base}?${search}`,
    tableUrl: `${base}?${chartSearch(q, { view: "table" })}`,
    exportUrl: `/network/export?${search}`,
    centreLabel: extra.centreLabel,
    brokers,
    typeOptions: CHART_TYPES.map((t) => ({
      value: t,
      text: CHART_TYPE_LABELS[t],
      checked: q.types.includes(t),
    })),
    linkTypeOptions: allLinkTypes,
    radiusOptions: [0, 1, 2, 3].map((r) => ({
      value: String(r),
      text: r === 0 ? "Only the centre" : `${r} ${r === 1 ? "link" : "links"} away`,
      selected: r === q.radius,
    })),
    rows: data.nodes.map((n) => ({
      ...n,
      typeLabel: CHART_TYPE_LABELS[n.type],
      expandUrl:
        n.expandable &&
        !q.expand.some((e) => nodeKey(e) === n.id) &&
        !q.centre.some((c) => nodeKey(c) === n.id)
          ? `${base}?${chartSearch({ ...q, expand: [...q.expand, parseNodeRef(n.id)!] }, { view: extra.view })}#node-table`
          : null,
      centreUrl: `/network?${chartSearch({ ...q, centre: [parseNodeRef(n.id)!], expand: [] }, { view: extra.view })}`,
    })),
    links: data.edges.map((e) => ({
      ...e,
      sourceLabel: label.get(e.source),
      targetLabel: label.get(e.target),
    })),
    pathItems: [
      { value: "", text: "Choose" },
      ...data.nodes.filter((n) => !n.restricted).map((n) => ({ value: n.id, text: n.label })),
    ],
    chooseItems: [
      { value: "", text: "Choose an entity" },
      ...data.nodes.map((n) => ({ value: n.id, text: n.label })),
    ],
    childCentred: base.startsWith("/children/"),
    panels: extra.panels,
    tacticHint: TACTIC_HINT,
    recorded: extra.recorded,
  };
}

let cytoscapeSource: Promise<Buffer> | undefined;
function cytoscapeFile(): Promise<Buffer> {
  // The package's own ES module build, served as is (nothing from node_modules is copied into the repo).
  // The package's exports map does not list the file, so it is found next to its main entry.
  cytoscapeSource ??= readFile(
    join(dirname(createRequire(import.meta.url).resolve("cytoscape")), "cytoscape.esm.min.mjs"),
  );
  return cytoscapeSource;
}

async function centreLabelOf(s: Services, u: SessionUser, ref: NodeRef, data: ChartData): Promise<string> {
  const n = data.nodes.find((x) => x.id === nodeKey(ref));
  if (n) return n.label;
  if (ref.kind === "person") {
    const p = await s.intel.getPerson(u, ref.id);
    return [p.given_name, p.family_name].filter(Boolean).join(" ") || p.reference;
  }
  return nodeKey(ref);
}

export function intelligencePages(app: App, s: Services): RouteDef[] {
  async function renderChart(
    req: FastifyRequest,
    reply: import("fastify").FastifyReply,
    user: SessionUser,
    raw: Record<string, unknown>,
    base: string,
    forced?: NodeRef,
  ) {
    const parsed = chartQuery.safeParse(raw);
    if (!parsed.success) throw new Invalid("The chart's filters have a problem", zodIssues(parsed));
    const q = parsed.data as unknown as ChartQuery;
    if (forced) q.centre = [forced];
    const data = await s.network.chart(user, actorOf(user, req), q);
    if (forced) reply.header("x-lantern-field-groups", "identity");
    const centre = q.centre[0];
    const panels = centre && centre.kind !== "child" ? await panelsFor(app, user, centre) : [];
    const v = str(raw.view) === "table" ? "table" : "chart";
    return reply.page(
      "intelligence/views/chart.njk",
      chartView(data, q, base, {
        view: v,
        centreLabel: await centreLabelOf(s, user, centre, data),
        panels,
        recorded: str(raw.recorded) || undefined,
      }),
    );
  }

  return [
    defineRoute({
      method: "GET",
      url: "/vendor/cytoscape.mjs",
      kind: "page",
      summary: "Cytoscape.js (the link chart's drawing library), served from the installed package",
      access: PUBLIC,
      handler: async ({ reply }) => {
        reply
          .type("text/javascript; charset=utf-8")
          .header("cache-control", "public, max-age=86400")
          .send(await cytoscapeFile());
        return reply;
      },
    }),
    // ----- persons of concern -----
    defineRoute({
      method: "GET",
      url: "/intelligence",
      kind: "page",
      summary: "Persons of concern: search and list",
      access: view,
      handler: async ({ req, reply, user }) => {
        const q = str((req.query as Record<string, unknown>).q).slice(0, 100);
        const persons = await s.intel.listPersons(user!, { q });
        return reply.page("intelligence/views/persons.njk", {
          title: "Persons of concern",
          q,
          persons: persons.map((p) => ({
            ...p,
            name: [p.given_name, p.family_name].filter(Boolean).join(" "),
            age: p.date_of_birth ? null : p.estimated_age,
          })),
          canEdit: user!.roles.some((r) => INTEL_EDIT_ROLES.includes(r)),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/intelligence/persons/new",
      kind: "page",
      summary: "Record a person of concern",
      access: edit,
      handler: ({ reply }) =>
        reply.page("intelligence/views/person-form.njk", {
          title: "Record a person of concern",
          values: { sex: "unknown", disability: "unknown", registered_sex_offender: "no" },
          ethnicities: ETHNICITY_LABELS,
          token: newToken(12),
        }),
    }),
    defineRoute({
      method: "POST",
      url: "/intelligence/persons",
      kind: "page",
      summary: "Record a person of concern (form)",
      access: edit,
      example: () => ({
        form: { given_name: "Dean", family_name: "Example", sex: "male", token: newToken(8) },
      }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const parsed = parseForm(personInput, personFromForm(f));
        if (!parsed.ok)
          return reply.page(
            "intelligence/views/person-form.njk",
            {
              title: "Record a person of concern",
              values: f,
              ethnicities: ETHNICITY_LABELS,
              token: str(f.token),
              ...errorView(parsed.issues),
            },
            400,
          );
        const r = await s.intel.createPerson(
          user!,
          actorOf(user!, req),
          parsed.data,
          str(f.token) || undefined,
        );
        return reply.redirect(`/intelligence/persons/${r.id}?created=1`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/intelligence/persons/:id",
      kind: "page",
      summary: "A person of concern: details, links, intelligence, disruption",
      access: view,
      params: idParams,
      example: (f) => ({ params: { id: f.personId ?? f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const p = await s.intel.getPerson(user!, params.id);
        const ref: NodeRef = { kind: "person", id: p.id };
        const chart = await s.network.chart(
          user!,
          actorOf(user!, req),
          {
            centre: [ref],
            radius: 1,
            expand: [],
            types: [],
            links: [],
            derived: "include",
          },
          { purpose: "person of concern page" },
        );
        const reports = await s.intel.listReports(user!, actorOf(user!, req), { subject: ref, limit: 20 });
        const panels = await panelsFor(app, user!, ref);
        const label = new Map(chart.nodes.map((n) => [n.id, n]));
        const name = [p.given_name, p.family_name].filter(Boolean).join(" ");
        return reply.page("intelligence/views/person.njk", {
          title: name || p.aliases[0] || p.reference,
          p,
          sexLabel: SEX_LABELS[p.sex] ?? p.sex,
          ethnicityLabel: p.ethnicity ? (ETHNICITY_LABELS[p.ethnicity] ?? p.ethnicity) : null,
          links: chart.edges.map((e) => {
            const otherId = e.source === `person:${p.id}` ? e.target : e.source;
            return { ...e, other: label.get(otherId) };
          }),
          reports,
          panels,
          created: (req.query as Record<string, string>).created === "1",
          chartUrl: `/network?centre=person:${p.id}&radius=1`,
          submitUrl: `/intelligence/reports/new?subject=person:${p.id}`,
          linkUrl: `/intelligence/links/new?from=person:${p.id}`,
          canEdit: user!.roles.some((r) => INTEL_EDIT_ROLES.includes(r)),
        });
      },
    }),
    // ----- entities -----
    defineRoute({
      method: "GET",
      url: "/intelligence/entities",
      kind: "page",
      summary: "Places, vehicles, phones, online accounts and organisations",
      access: view,
      handler: async ({ req, reply, user }) => {
        const raw = req.query as Record<string, string>;
        const kind = (ENTITY_KINDS as readonly string[]).includes(raw.kind) ? raw.kind : undefined;
        const q = str(raw.q).slice(0, 100);
        const entities = await s.intel.listEntities(user!, { q, kind });
        return reply.page("intelligence/views/entities.njk", {
          title: "Places, vehicles, phones and accounts",
          entities: entities.map((e) => ({ ...e, kindLabel: ENTITY_KIND_LABELS[e.kind] })),
          q,
          kind,
          kinds: ENTITY_KINDS.map((k) => ({ value: k, text: ENTITY_KIND_LABELS[k], selected: k === kind })),
          canEdit: user!.roles.some((r) => INTEL_EDIT_ROLES.includes(r)),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/intelligence/entities/new",
      kind: "page",
      summary: "Record a place, vehicle, phone, account or organisation",
      access: edit,
      handler: ({ reply }) =>
        reply.page("intelligence/views/entity-form.njk", {
          title: "Record a place, vehicle, phone, account or organisation",
          values: {},
          kinds: ENTITY_KINDS.map((k) => ({ value: k, text: ENTITY_KIND_LABELS[k] })),
          token: newToken(12),
        }),
    }),
    defineRoute({
      method: "POST",
      url: "/intelligence/entities",
      kind: "page",
      summary: "Record an entity (form)",
      access: edit,
      example: () => ({
        form: { kind: "vehicle", label: "ZX21 ABC (silver hatchback)", token: newToken(8) },
      }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const attributes: Record<string, string> = {};
        for (const k of [
          "address",
          "postcode",
          "town",
          "registration",
          "number",
          "platform",
          "handle",
          "note",
        ])
          if (str(f[`attr_${k}`]).trim()) attributes[k] = str(f[`attr_${k}`]).trim();
        const parsed = parseForm(entityInput, {
          kind: str(f.kind),
          label: str(f.label),
          subtype: str(f.subtype),
          attributes,
        });
        if (!parsed.ok)
          return reply.page(
            "intelligence/views/entity-form.njk",
            {
              title: "Record a place, vehicle, phone, account or organisation",
              values: f,
              kinds: ENTITY_KINDS.map((k) => ({ value: k, text: ENTITY_KIND_LABELS[k] })),
              token: str(f.token),
              ...errorView(parsed.issues),
            },
            400,
          );
        const r = await s.intel.createEntity(
          user!,
          actorOf(user!, req),
          parsed.data,
          str(f.token) || undefined,
        );
        return reply.redirect(`/intelligence/entities/${r.id}?created=1`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/intelligence/entities/:id",
      kind: "page",
      summary: "One entity: details, links, intelligence, disruption",
      access: view,
      params: idParams,
      example: (f) => ({ params: { id: f.entityId ?? f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const e = await s.intel.getEntity(user!, params.id);
        const ref: NodeRef = { kind: "entity", id: e.id };
        const chart = await s.network.chart(
          user!,
          actorOf(user!, req),
          { centre: [ref], radius: 1, expand: [], types: [], links: [], derived: "include" },
          { purpose: "entity page" },
        );
        const label = new Map(chart.nodes.map((n) => [n.id, n]));
        const reports = await s.intel.listReports(user!, actorOf(user!, req), { subject: ref, limit: 20 });
        return reply.page("intelligence/views/entity.njk", {
          title: e.label,
          e,
          kindLabel: ENTITY_KIND_LABELS[e.kind],
          attributes: Object.entries(e.attributes),
          links: chart.edges.map((x) => ({
            ...x,
            other: label.get(x.source === `entity:${e.id}` ? x.target : x.source),
          })),
          reports,
          panels: await panelsFor(app, user!, ref),
          created: (req.query as Record<string, string>).created === "1",
          chartUrl: `/network?centre=entity:${e.id}&radius=1`,
          submitUrl: `/intelligence/reports/new?subject=entity:${e.id}`,
          linkUrl: `/intelligence/links/new?from=entity:${e.id}`,
          canEdit: user!.roles.some((r) => INTEL_EDIT_ROLES.includes(r)),
        });
      },
    }),
    // ----- links -----
    defineRoute({
      method: "GET",
      url: "/intelligence/links/new",
      kind: "page",
      summary: "Link two things",
      access: edit,
      handler: ({ req, reply }) => {
        const from = str((req.query as Record<string, unknown>).from);
        return reply.page("intelligence/views/link-form.njk", {
          title: "Link two things",
          values: { from },
          linkTypes: Object.entries(LINK_TYPES)
            .filter(([k]) => !["missing_with", "phone_in_referral"].includes(k))
            .map(([value, text]) => ({ value, text })),
          token: newToken(12),
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/intelligence/links",
      kind: "page",
      summary: "Link two things (form)",
      access: edit,
      example: (f) => ({
        form: {
          from: `person:${f.personId}`,
          to: `entity:${f.entityId}`,
          link_type: "frequents",
          grading: "2BP",
          token: newToken(8),
        },
      }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const parsed = parseForm(linkInput, {
          from: str(f.from),
          to: str(f.to),
          link_type: str(f.link_type),
          valid_from: str(f.valid_from) || null,
          valid_to: str(f.valid_to) || null,
          grading: str(f.grading) || null,
          provenance: str(f.provenance),
        });
        const again = (issues: Issue[]) =>
          reply.page(
            "intelligence/views/link-form.njk",
            {
              title: "Link two things",
              values: f,
              linkTypes: Object.entries(LINK_TYPES).map(([value, text]) => ({ value, text })),
              token: str(f.token),
              ...errorView(issues),
            },
            400,
          );
        if (!parsed.ok) return again(parsed.issues);
        try {
          await s.intel.createLink(user!, actorOf(user!, req), parsed.data, str(f.token) || undefined);
        } catch (e) {
          const issues = issuesOf(e);
          if (issues) return again(issues);
          throw e;
        }
        const from = parsed.data.from;
        return reply.redirect(
          from.kind === "child"
            ? `/children/${from.id}/network`
            : `/intelligence/${from.kind === "person" ? "persons" : "entities"}/${from.id}?linked=1`,
          303,
        );
      },
    }),
    // ----- intelligence reports -----
    defineRoute({
      method: "GET",
      url: "/intelligence/reports",
      kind: "page",
      summary: "Intelligence reports you may see",
      access: submit,
      handler: async ({ req, reply, user }) => {
        const reports = await s.intel.listReports(user!, actorOf(user!, req));
        return reply.page("intelligence/views/reports.njk", { title: "Intelligence reports", reports });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/intelligence/reports/new",
      kind: "page",
      summary: "Submit intelligence",
      access: submit,
      handler: ({ req, reply }) =>
        reply.page("intelligence/views/report-form.njk", {
          ...reportFormData(),
          values: { subject: str((req.query as Record<string, unknown>).subject) },
          token: newToken(12),
        }),
    }),
    defineRoute({
      method: "POST",
      url: "/intelligence/reports/check",
      kind: "page",
      summary: "Submit intelligence: check your answers",
      access: submit,
      example: () => ({
        form: {
          text: "Seen at the takeaway with a boy.",
          source_evaluation: "2",
          intelligence_assessment: "B",
          handling_code: "P",
        },
      }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const checked = await checkReport(s, user!, f);
        if (!checked.ok || str(f.edit) === "1")
          return reply.page(
            "intelligence/views/report-form.njk",
            {
              ...reportFormData(),
              values: f,
              token: str(f.token) || newToken(12),
              ...(checked.ok ? {} : errorView(checked.issues)),
            },
            checked.ok ? 200 : 400,
          );
        return reply.page("intelligence/views/report-check.njk", {
          title: "Check your answers before submitting the intelligence",
          values: f,
          token: str(f.token) || newToken(12),
          subjects: checked.subjects,
          labels: {
            source: SOURCE_EVALUATION_LABELS,
            assessment: ASSESSMENT_LABELS,
            handling: HANDLING_LABELS,
          },
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/intelligence/reports",
      kind: "page",
      summary: "Submit intelligence (after checking answers)",
      access: submit,
      example: () => ({
        form: {
          text: "Seen at the takeaway with a boy.",
          source_evaluation: "2",
          intelligence_assessment: "B",
          handling_code: "P",
          token: newToken(8),
        },
      }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const checked = await checkReport(s, user!, f);
        if (!checked.ok)
          return reply.page(
            "intelligence/views/report-form.njk",
            {
              ...reportFormData(),
              values: f,
              token: str(f.token) || newToken(12),
              ...errorView(checked.issues),
            },
            400,
          );
        const r = await s.intel.submitReport(
          user!,
          actorOf(user!, req),
          checked.data,
          str(f.token) || undefined,
        );
        return reply.redirect(`/intelligence/reports/${r.id}?submitted=1`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/intelligence/reports/:id",
      kind: "page",
      summary: "One intelligence report, as your agency may see it",
      access: submit,
      params: idParams,
      example: (f) => ({ params: { id: f.reportId ?? f.childId } }),
      handler: async ({ req, reply, user, params }) => {
        const r = await s.intel.getReport(user!, actorOf(user!, req), params.id);
        const raw = req.query as Record<string, string>;
        const agencies = r.report.canPermit
          ? (await s.intel.agencies()).filter((a) => a.id !== user!.agencyId)
          : [];
        return reply.page("intelligence/views/report.njk", {
          title: `Intelligence report ${r.report.reference}`,
          ...r,
          agencies,
          labels: {
            source: SOURCE_EVALUATION_LABELS,
            assessment: ASSESSMENT_LABELS,
            handling: HANDLING_LABELS,
          },
          submitted: raw.submitted === "1",
          sanitised: raw.sanitised === "1",
          permitted: raw.permitted === "1",
          values: {},
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/intelligence/reports/:id/sanitise",
      kind: "page",
      summary: "Sanitise a report for sharing (form)",
      access: sanitiseRoles,
      params: idParams,
      example: (f) => ({
        params: { id: f.reportId ?? f.childId },
        form: { sanitised_text: "An adult is believed to meet children at a takeaway.", version: "1" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const f = form(req);
        const text = str(f.sanitised_text).trim();
        try {
          if (text.length < 10)
            throw new Invalid("Enter the sanitised text", [
              { field: "sanitised_text", message: "Enter the sanitised text, in at least 10 characters" },
            ]);
          const version = Number(str(f.version));
          await s.intel.sanitise(user!, actorOf(user!, req), params.id, () => version, text);
        } catch (e) {
          const issues =
            issuesOf(e) ??
            (e instanceof AppError && e.code === "precondition_failed"
              ? [{ field: "sanitised_text", message: e.message }]
              : null);
          if (!issues) throw e;
          const r = await s.intel.getReport(user!, actorOf(user!, req), params.id);
          return reply.page(
            "intelligence/views/report.njk",
            {
              title: `Intelligence report ${r.report.reference}`,
              ...r,
              agencies: [],
              labels: {
                source: SOURCE_EVALUATION_LABELS,
                assessment: ASSESSMENT_LABELS,
                handling: HANDLING_LABELS,
              },
              values: { sanitised_text: text },
              ...errorView(issues),
            },
            issues[0].message.startsWith("Someone else") ? 409 : 400,
          );
        }
        return reply.redirect(`/intelligence/reports/${params.id}?sanitised=1`, 303);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/intelligence/reports/:id/permissions",
      kind: "page",
      summary: "Permit another agency to receive a C-coded report (form)",
      access: sanitiseRoles,
      params: idParams,
      example: (f) => ({
        params: { id: f.cReportId ?? f.childId },
        form: { agency_id: f.otherAgencyId ?? f.childId, conditions: "For the MACE panel only" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const f = form(req);
        const agencyId = str(f.agency_id);
        if (!z.uuid().safeParse(agencyId).success)
          throw new Invalid("Choose an agency", [{ field: "agency_id", message: "Choose an agency" }]);
        await s.intel.permit(
          user!,
          actorOf(user!, req),
          params.id,
          agencyId,
          str(f.conditions).trim() || null,
        );
        return reply.redirect(`/intelligence/reports/${params.id}?permitted=1`, 303);
      },
    }),
    // ----- link chart, networks, paths, export -----
    defineRoute({
      method: "GET",
      url: "/network",
      kind: "page",
      summary: "The link chart (chart, and an accessible table view of the same data)",
      access: view,
      handler: async ({ req, reply, user }) => {
        const raw = req.query as Record<string, unknown>;
        if (!str(raw.centre)) return reply.redirect("/network/networks", 302);
        return renderChart(req, reply, user!, raw, "/network");
      },
    }),
    defineRoute({
      method: "GET",
      url: "/children/:id/network",
      kind: "page",
      summary: "The link chart centred on a child (needs access to the child's record)",
      access: view,
      params: childIdParams,
      recordPolicy: "child.network",
      example: (f) => ({ params: { id: f.childId } }),
      handler: async ({ req, reply, user, params }) =>
        renderChart(
          req,
          reply,
          user!,
          req.query as Record<string, unknown>,
          `/children/${params.id}/network`,
          {
            kind: "child",
            id: params.id,
          },
        ),
    }),
    defineRoute({
      method: "GET",
      url: "/network/networks",
      kind: "page",
      summary: "Detected networks: children, adults, places, size and brokers",
      access: view,
      handler: async ({ req, reply, user }) => {
        const raw = req.query as Record<string, string>;
        const window = {
          from: /^\d{4}-\d{2}-\d{2}$/.test(raw.from ?? "") ? raw.from : undefined,
          to: /^\d{4}-\d{2}-\d{2}$/.test(raw.to ?? "") ? raw.to : undefined,
        };
        const r = await s.network.networks(user!, actorOf(user!, req), window);
        return reply.page("intelligence/views/networks.njk", { title: "Networks", ...r, window });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/network/path",
      kind: "page",
      summary: "A shortest path between two entities",
      access: view,
      example: (f) => ({ query: { from: `person:${f.personId}`, to: `entity:${f.entityId}` } }),
      handler: async ({ req, reply, user }) => {
        const raw = req.query as Record<string, string>;
        const from = parseNodeRef(str(raw.from));
        const to = parseNodeRef(str(raw.to));
        const back = str(raw.back).startsWith("/") ? str(raw.back) : null;
        if (!from || !to)
          throw new Invalid("Choose two things to find a path between", [
            { field: "from", message: "Choose two things to find a path between" },
          ]);
        const r = await s.network.path(user!, actorOf(user!, req), from, to);
        const steps = r.nodes.map((n, i) => {
          const next = r.nodes[i + 1];
          const e = next
            ? r.edges.find(
                (x) =>
                  (x.source === n.id && x.target === next.id) || (x.target === n.id && x.source === next.id),
              )
            : undefined;
          return { node: n, via: e?.typeLabel ?? null };
        });
        return reply.page("intelligence/views/path.njk", {
          title: "Path between two entities",
          ...r,
          steps,
          back,
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/network/export",
      kind: "page",
      summary: "Export the entities on the chart to Excel: confirm with your password",
      access: view,
      handler: ({ req, reply }) => {
        const raw = req.query as Record<string, unknown>;
        const parsed = chartQuery.safeParse(raw);
        if (!parsed.success) throw new Invalid("The chart's filters have a problem", zodIssues(parsed));
        return reply.page("intelligence/views/export.njk", {
          title: "Export the chart to Excel",
          search: chartSearch(parsed.data as unknown as ChartQuery),
          fields: Object.fromEntries(new URLSearchParams(chartSearch(parsed.data as unknown as ChartQuery))),
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/network/export",
      kind: "page",
      summary: "Export the entities on the chart to Excel (password, watermarked, audited)",
      access: view,
      example: (f) => ({ form: { centre: `person:${f.personId}`, radius: "1", password: f.password } }),
      handler: async ({ req, reply, user }) => {
        const f = form(req);
        const fields = Object.fromEntries(
          ["centre", "radius", "expand", "from", "to", "types", "links", "derived"]
            .filter((k) => str(f[k]) !== "")
            .map((k) => [k, str(f[k])]),
        );
        const parsed = chartQuery.safeParse(fields);
        if (!parsed.success) throw new Invalid("The chart's filters have a problem", zodIssues(parsed));
        const q = parsed.data as unknown as ChartQuery;
        if (!(await passwordConfirmed(app.db, user!.id, str(f.password)))) {
          return reply.page(
            "intelligence/views/export.njk",
            {
              title: "Export the chart to Excel",
              search: chartSearch(q),
              fields,
              ...errorView([{ field: "password", message: "The password is not correct" }]),
            },
            400,
          );
        }
        const actor = actorOf(user!, req);
        const data = await s.network.chart(user!, actor, q, { purpose: "export to Excel" });
        const when = new Date();
        const buffer = await workbookOf(data, user!, when);
        await s.network.auditExport(user!, actor, q, data);
        reply
          .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
          .header(
            "content-disposition",
            `attachment; filename="lantern-chart-${when.toISOString().slice(0, 10)}.xlsx"`,
          )
          .header("cache-control", "no-store")
          .send(buffer);
        return reply;
      },
    }),
  ];
}

function reportFormData() {
  return {
    title: "Submit intelligence",
    sources: Object.entries(SOURCE_EVALUATION_LABELS).map(([value, text]) => ({ value, text })),
    assessments: Object.entries(ASSESSMENT_LABELS).map(([value, text]) => ({ value, text })),
    handlings: Object.entries(HANDLING_LABELS).map(([value, text]) => ({ value, text })),
  };
}

/** Validates the report form; subjects come as node refs and as POC-/CH- references. */
async function checkReport(s: Services, u: SessionUser, f: Record<string, unknown>) {
  const refs = str(f.references)
    .split(/[\s,]+/)
    .map((x) => x.trim().toUpperCase())
    .filter(Boolean);
  const subjects: string[] = arr(f.subject).filter((x) => parseNodeRef(x));
  const unknown: string[] = [];
  if (refs.length) {
    const found = await s.intel.resolveReferences(u, refs);
    for (const r of refs) {
      const hit = found.get(r);
      if (hit) subjects.push(hit);
      else unknown.push(r);
    }
  }
  const parsed = parseForm(reportInput, {
    text: str(f.text),
    intelligence_date: str(f.intelligence_date) || null,
    source_evaluation: str(f.source_evaluation) || undefined,
    intelligence_assessment: str(f.intelligence_assessment) || undefined,
    handling_code: str(f.handling_code) || undefined,
    handling_conditions: str(f.handling_conditions),
    sanitised_text: str(f.sanitised_text),
    subjects,
  });
  const issues = parsed.ok ? [] : [...parsed.issues];
  if (unknown.length)
    issues.push({
      field: "references",
      message: `No person of concern or child has the reference ${unknown.join(", ")}`,
    });
  if (issues.length || !parsed.ok) return { ok: false as const, issues };
  const labels = await s.intel.describeSubjects(u, parsed.data.subjects);
  return { ok: true as const, data: parsed.data, subjects: labels };
}

async function workbookOf(data: ChartData, u: SessionUser, when: Date): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = `Lantern – exported by ${u.displayName} (${u.agencyName})`;
  wb.created = when;
  const mark = `OFFICIAL-SENSITIVE. Exported from Lantern by ${u.displayName}, ${u.agencyName}, ${formatLondon(when)}. Do not share further without the owning agencies' agreement. Synthetic demo data.`;
  const ws = wb.addWorksheet("Entities");
  ws.headerFooter.oddHeader = `&L${mark}`;
  ws.headerFooter.oddFooter = `&L${u.displayName} ${formatLondon(when)}&RPage &P of &N`;
  ws.addRow([mark]);
  ws.addRow([]);
  ws.addRow([
    "Id",
    "Type",
    "Label",
    "Detail",
    "Links away",
    "Degree",
    "Betweenness",
    "Community",
    "Broker",
    "Disruptions sought or in force",
    "Your note",
  ]);
  ws.getRow(3).font = { bold: true };
  for (const n of data.nodes)
    ws.addRow([
      n.id,
      CHART_TYPE_LABELS[n.type],
      n.label,
      n.restricted ? "Signpost only: no access to the child's record" : (n.subtype ?? ""),
      n.distance ?? "",
      n.degree,
      n.betweenness,
      n.community + 1,
      n.broker ? "Yes" : "",
      n.disruptions,
      n.pin?.note ?? "",
    ]);
  ws.columns.forEach((c, i) => {
    c.width = [40, 22, 40, 30, 10, 8, 12, 10, 8, 12, 40][i] ?? 12;
  });
  const wl = wb.addWorksheet("Links");
  wl.headerFooter.oddHeader = `&L${mark}`;
  wl.addRow([mark]);
  wl.addRow([]);
  wl.addRow([
    "From",
    "Link",
    "To",
    "From date",
    "To date",
    "Grading",
    "Source agency",
    "Derived",
    "Explanation or provenance",
  ]);
  wl.getRow(3).font = { bold: true };
  const label = new Map(data.nodes.map((n) => [n.id, n.label]));
  for (const e of data.edges)
    wl.addRow([
      label.get(e.source),
      e.typeLabel,
      label.get(e.target),
      e.from ?? "",
      e.to ?? "",
      e.grading ?? "",
      e.sourceAgency,
      e.derived ? "Yes" : "",
      e.explanation ?? e.provenance ?? "",
    ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
