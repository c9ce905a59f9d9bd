// Meeting pages: arrange a MACE panel or strategy discussion, build its agenda from the cohort,
// record attendance by agency, record minutes for each child (decisions become actions), and print
// or download the agenda and minutes.
import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly, type SessionUser } from "../../http/routes.ts";
import { formatLondon } from "../../platform/clock.ts";
import { type FieldIssue, Invalid } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import { parseLanguageOverrides } from "../language/index.ts";
import { minutesDocx } from "./docx.ts";
import { shortDate, shortDateTime } from "./format.ts";
import { all, dateItems, dateParts, type Errors, type Form, readDate, readDateTime, str } from "./forms.ts";
import {
  addAttendance,
  createMeeting,
  type DecisionInput,
  itemDetail,
  listMeetings,
  meetingDetail,
  printable,
  recordMinutes,
  type StoredFlag,
  saveAgenda,
  setMeetingStatus,
} from "./meetings.service.ts";
import { formOf, handleForm, queryOf } from "./page-helpers.ts";
import { agencyList } from "./tracker.service.ts";
import {
  ACTION_LABELS,
  AGENDA_REASON_LABELS,
  MEETING_KINDS,
  MEETING_LABELS,
  RISK_COLOURS,
  RISK_LABELS,
  RISK_LEVELS,
  RISK_TRENDS,
  TREND_LABELS,
} from "./tracker.vocab.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
const coordinator = rolesOnly("mace_coordinator");
const idParams = z.object({ id: z.uuid({ message: "must be an id" }) });
const itemParams = z.object({
  id: z.uuid({ message: "must be an id" }),
  itemId: z.uuid({ message: "must be an id" }),
});
const DECISION_ROWS = 3;

/** Marks each flagged phrase in its text, for showing the checker's findings beside the minutes. */
function marked(text: string, flags: StoredFlag[]) {
  const out: { text: string; flag?: StoredFlag }[] = [];
  let at = 0;
  for (const f of [...flags].sort((a, b) => a.start - b.start)) {
    if (f.start < at || text.slice(f.start, f.end) !== f.phrase) continue;
    out.push({ text: text.slice(at, f.start) }, { text: f.phrase, flag: f });
    at = f.end;
  }
  out.push({ text: text.slice(at) });
  return out;
}

export function meetingsPages(app: App): RouteDef[] {
  async function renderList(
    reply: FastifyReply,
    user: SessionUser,
    extra: Partial<Errors> & { values?: Form } = {},
    status = 200,
  ) {
    const meetings = await listMeetings(app);
    const values = extra.values ?? {};
    const now = app.clock.now();
    return reply.page(
      "tracker/views/meetings.njk",
      {
        title: "Meetings",
        upcoming: meetings
          .filter((m) => m.held_at >= new Date(now.getTime() - 12 * 3_600_000))
          .reverse()
          .map((m) => ({ ...m, at: shortDateTime(m.held_at), kindLabel: MEETING_LABELS[m.kind] })),
        past: meetings
          .filter((m) => m.held_at < new Date(now.getTime() - 12 * 3_600_000))
          .map((m) => ({ ...m, at: shortDateTime(m.held_at), kindLabel: MEETING_LABELS[m.kind] })),
        isCoordinator: user.roles.includes("mace_coordinator"),
        kindItems: MEETING_KINDS.map((k) => ({
          value: k,
          text: MEETING_LABELS[k],
          checked: (str(values, "kind") || "mace_panel") === k,
        })),
        heldItems: dateItems(values, "heldAt", Boolean(extra.byField?.heldAt)),
        v: Object.fromEntries(Object.keys(values).map((k) => [k, str(values, k)])),
        errors: extra.errors,
        byField: extra.byField ?? {},
        token: str(values, "token") || randomUUID(),
      },
      status,
    );
  }

  async function renderMeeting(
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    id: string,
    extra: Partial<Errors> & { values?: Form } = {},
    status = 200,
  ) {
    const d = await meetingDetail(app, user, actorOf(user, req), id);
    const ags = await agencyList(app);
    const values = extra.values ?? {};
    const isOwner = user.roles.includes("mace_coordinator");
    return reply.page(
      "tracker/views/meeting.njk",
      {
        title: d.meeting.title,
        m: { ...d.meeting, at: formatLondon(d.meeting.held_at), kindLabel: MEETING_LABELS[d.meeting.kind] },
        items: d.items.map((i) => ({
          ...i,
          reasonText: (i.reasons as string[])
            .map((r) => AGENDA_REASON_LABELS[r as keyof typeof AGENDA_REASON_LABELS] ?? r)
            .join(", "),
          risk: i.risk_level ? RISK_LABELS[i.risk_level] : "",
          riskColour: i.risk_level ? RISK_COLOURS[i.risk_level] : "grey",
        })),
        hiddenItems: d.hiddenItems,
        attendance: d.attendance,
        proposal: d.proposal.map((p) => ({
          ...p,
          reasonText: p.reasons.map((r) => AGENDA_REASON_LABELS[r]).join(", "),
          risk: RISK_LABELS[p.riskLevel],
          riskColour: RISK_COLOURS[p.riskLevel],
          checked: values.entries === undefined ? true : all(values, "entries").includes(p.entryId),
        })),
        isOwner,
        agencyItems: [
          { value: "", text: "Choose an agency" },
          ...ags.map((a) => ({ value: a.id, text: a.name, selected: str(values, "agencyId") === a.id })),
        ],
        attendanceItems: [
          {
            value: "present",
            text: "Present",
            checked: (str(values, "attendance") || "present") === "present",
          },
          { value: "apologies", text: "Sent apologies", checked: str(values, "attendance") === "apologies" },
          { value: "absent", text: "Absent", checked: str(values, "attendance") === "absent" },
        ],
        v: Object.fromEntries(Object.keys(values).map((k) => [k, str(values, k)])),
        errors: extra.errors,
        byField: extra.byField ?? {},
        flash: queryOf(req).saved ?? "",
      },
      status,
    );
  }

  async function renderItem(
    req: FastifyRequest,
    reply: FastifyReply,
    user: SessionUser,
    id: string,
    itemId: string,
    extra: Partial<Errors> & { values?: Form } = {},
    status = 200,
  ) {
    const d = await itemDetail(app, user, actorOf(user, req), id, itemId);
    reply.header("x-lantern-field-groups", d.decision.fieldGroups.join(","));
    const ags = await agencyList(app);
    const values = extra.values ?? {};
    const mm = d.minutes;
    const v = (k: string, fallback: string | null | undefined = "") =>
      values[k] !== undefined ? str(values, k) : (fallback ?? "");
    const flags = ((mm?.language_flags as StoredFlag[] | undefined) ?? []).filter(Boolean);
    const decisionRows = Array.from({ length: DECISION_ROWS }, (_, i) => {
      const p = `d${i + 1}`;
      return {
        n: i + 1,
        p,
        text: v(`${p}Text`),
        owner: v(`${p}Owner`),
        agencyItems: [
          { value: "", text: "No action: a decision only" },
          ...ags.map((a) => ({ value: a.id, text: a.name, selected: v(`${p}Agency`) === a.id })),
        ],
        dueItems: dateItems(values, `${p}Due`, Boolean(extra.byField?.[`${p}Due`])),
      };
    });
    return reply.page(
      "tracker/views/minutes.njk",
      {
        title: `Minutes: ${d.item.name}`,
        m: { ...d.meeting, at: formatLondon(d.meeting.held_at), kindLabel: MEETING_LABELS[d.meeting.kind] },
        item: {
          ...d.item,
          reasonText: (d.item.reasons as string[])
            .map((r) => AGENDA_REASON_LABELS[r as keyof typeof AGENDA_REASON_LABELS] ?? r)
            .join(", "),
        },
        entry: d.entry && {
          ...d.entry,
          risk: RISK_LABELS[d.entry.risk_level],
          riskColour: RISK_COLOURS[d.entry.risk_level],
          trend: TREND_LABELS[d.entry.risk_trend],
          next: shortDate(d.entry.next_review_on),
        },
        actions: d.actions.map((a) => ({
          ...a,
          due: shortDate(a.due_on),
          statusLabel: ACTION_LABELS[a.status],
        })),
        pattern: d.pattern,
        minutes: mm && { ...mm, at: shortDateTime(mm.updated_at) },
        decisions: d.decisions.map((x) => ({ ...x, due: shortDate(x.due_on) })),
        flags: flags.map((f) => ({
          ...f,
          fieldLabel:
            f.field === "summary"
              ? "Discussion"
              : f.field === "childVoice"
                ? "The child's voice"
                : f.field.replace(/^decision/, "Decision"),
        })),
        summaryMarked: mm
          ? marked(
              mm.summary,
              flags.filter((f) => f.field === "summary"),
            )
          : [],
        canRecord: user.roles.includes("mace_coordinator") && d.decision.read,
        riskItems: RISK_LEVELS.map((r) => ({
          value: r,
          text: RISK_LABELS[r],
          checked: v("riskLevel", mm?.risk_level ?? d.entry?.risk_level) === r,
        })),
        trendItems: RISK_TRENDS.filter((t) => t !== "new").map((t) => ({
          value: t,
          text: TREND_LABELS[t],
          checked: v("riskTrend", mm?.risk_trend) === t,
        })),
        nextReviewItems: dateItems(
          values["nextReviewOn-day"] !== undefined
            ? values
            : Object.fromEntries(
                Object.entries(dateParts(mm?.next_review_on)).map(([k, x]) => [`nextReviewOn-${k}`, x]),
              ),
          "nextReviewOn",
          Boolean(extra.byField?.nextReviewOn),
        ),
        decisionRows,
        v: { summary: v("summary", mm?.summary), childVoice: v("childVoice", mm?.child_voice) },
        version: mm?.version ?? "",
        errors: extra.errors,
        byField: extra.byField ?? {},
        flash: queryOf(req).saved ?? "",
      },
      status,
    );
  }

  return [
    defineRoute({
      method: "GET",
      url: "/meetings",
      kind: "page",
      summary: "Meetings: MACE panels, strategy discussions and reviews",
      access: safeguarding,
      handler: ({ reply, user }) => renderList(reply, user!),
    }),
    defineRoute({
      method: "POST",
      url: "/meetings",
      kind: "page",
      summary: "Arrange a meeting (MACE coordinators)",
      access: coordinator,
      example: () => ({
        form: {
          kind: "mace_panel",
          title: "MACE panel",
          "heldAt-day": "1",
          "heldAt-month": "12",
          "heldAt-year": "2026",
          "heldAt-time": "10:00",
          location: "Room 2",
          token: randomUUID(),
        },
      }),
      handler: async ({ req, reply, user }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const heldAt = readDateTime(form, "heldAt", "of the meeting", issues, { required: true });
            if (issues.length) throw new Invalid("The meeting has problems", issues);
            const r = await createMeeting(app, user!, actorOf(user!, req), {
              kind: str(form, "kind"),
              title: str(form, "title"),
              heldAt,
              location: str(form, "location") || null,
              chair: str(form, "chair") || null,
              idempotencyKey: str(form, "token") || null,
            });
            return reply.redirect(`/meetings/${r.id}`, 303);
          },
          (errs) => renderList(reply, user!, { ...errs, values: form }, 400),
          ["heldAt"],
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/meetings/:id",
      kind: "page",
      summary: "A meeting: agenda (built from the cohort), attendance by agency, minutes per child",
      access: safeguarding,
      params: idParams,
      example: (f) => ({ params: { id: f.meetingId } }),
      handler: ({ req, reply, user, params }) => renderMeeting(req, reply, user!, params.id),
    }),
    defineRoute({
      method: "POST",
      url: "/meetings/:id/agenda",
      kind: "page",
      summary: "Save a meeting's agenda from the cohort (MACE coordinators)",
      access: coordinator,
      params: idParams,
      recordPolicy: "cohort.agenda",
      example: (f) => ({ params: { id: f.meetingId }, form: { entries: f.cohortEntryId } }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            await saveAgenda(app, user!, actorOf(user!, req), params.id, all(form, "entries"));
            return reply.redirect(`/meetings/${params.id}?saved=agenda#agenda`, 303);
          },
          (errs) => renderMeeting(req, reply, user!, params.id, { ...errs, values: form }, 400),
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/meetings/:id/attendance",
      kind: "page",
      summary: "Record who attended from each agency, or mark the meeting as held (MACE coordinators)",
      access: coordinator,
      params: idParams,
      example: (f) => ({
        params: { id: f.meetingId },
        form: { agencyId: f.ownAgencyId, personName: "Alex Morgan", attendance: "present" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const status = str(form, "status");
            if (status === "held" || status === "closed")
              await setMeetingStatus(app, user!, actorOf(user!, req), params.id, status);
            else
              await addAttendance(app, user!, actorOf(user!, req), params.id, {
                agencyId: str(form, "agencyId"),
                personName: str(form, "personName"),
                role: str(form, "role") || null,
                attendance: str(form, "attendance"),
              });
            return reply.redirect(
              `/meetings/${params.id}?saved=${status ? "status" : "attendance"}#attendance`,
              303,
            );
          },
          (errs) => renderMeeting(req, reply, user!, params.id, { ...errs, values: form }, 400),
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/meetings/:id/items/:itemId",
      kind: "page",
      summary: "A child on a meeting's agenda: summary for the panel, and the minutes with decisions",
      access: safeguarding,
      params: itemParams,
      recordPolicy: "child.readContent",
      example: (f) => ({ params: { id: f.meetingId, itemId: f.meetingItemId } }),
      handler: ({ req, reply, user, params }) => renderItem(req, reply, user!, params.id, params.itemId),
    }),
    defineRoute({
      method: "POST",
      url: "/meetings/:id/items/:itemId",
      kind: "page",
      summary:
        "Record minutes for a child: discussion, the child's voice, review, decisions that become actions (language-checked)",
      access: coordinator,
      params: itemParams,
      recordPolicy: "cohort.manage",
      example: (f) => ({
        params: { id: f.meetingId, itemId: f.meetingItemId },
        form: {
          summary: "Panel discussed two missing episodes this month and the adults seen with the child.",
          riskLevel: "high",
          riskTrend: "stable",
          "nextReviewOn-day": "5",
          "nextReviewOn-month": "1",
          "nextReviewOn-year": String(new Date().getUTCFullYear() + 1),
          d1Text: "Police to complete a disruption plan for the address",
          d1Agency: f.ownAgencyId,
          "d1Due-day": "20",
          "d1Due-month": "1",
          "d1Due-year": String(new Date().getUTCFullYear() + 1),
        },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = formOf(req);
        return handleForm(
          reply,
          async () => {
            const issues: FieldIssue[] = [];
            const next = readDate(form, "nextReviewOn", "the date of the next review", issues);
            const decisions: DecisionInput[] = [];
            for (let i = 1; i <= DECISION_ROWS; i++) {
              const p = `d${i}`;
              const due = readDate(form, `${p}Due`, `the date decision ${i} is due`, issues);
              decisions.push({
                text: str(form, `${p}Text`),
                ownerAgencyId: str(form, `${p}Agency`) || null,
                ownerName: str(form, `${p}Owner`) || null,
                dueOn: due,
              });
            }
            if (issues.length) throw new Invalid("The minutes have problems", issues);
            const r = await recordMinutes(app, user!, actorOf(user!, req), params.id, params.itemId, {
              summary: str(form, "summary"),
              childVoice: str(form, "childVoice") || null,
              riskLevel: str(form, "riskLevel") || null,
              riskTrend: str(form, "riskTrend") || null,
              nextReviewOn: next,
              decisions,
              version: str(form, "version") ? Number(str(form, "version")) : null,
              kept: parseLanguageOverrides(form.languageOverride),
            });
            return reply.redirect(
              `/meetings/${params.id}/items/${params.itemId}?saved=${r.flags.length ? "flags" : "minutes"}`,
              303,
            );
          },
          (errs) => renderItem(req, reply, user!, params.id, params.itemId, { ...errs, values: form }, 400),
          ["nextReviewOn", "d1Due", "d2Due", "d3Due"],
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/meetings/:id/print",
      kind: "page",
      summary: "The agenda and minutes as a printable page (print styles; children you may see)",
      access: safeguarding,
      params: idParams,
      example: (f) => ({ params: { id: f.meetingId } }),
      handler: async ({ req, reply, user, params }) => {
        const p = await printable(app, user!, actorOf(user!, req), params.id);
        return reply.page("tracker/views/print.njk", {
          title: `${p.meeting.title}: agenda and minutes`,
          m: { ...p.meeting, at: formatLondon(p.meeting.held_at), kindLabel: MEETING_LABELS[p.meeting.kind] },
          attendance: p.attendance,
          items: p.items.map((i) => ({
            ...i,
            reasonText: (i.reasons as string[])
              .map((r) => AGENDA_REASON_LABELS[r as keyof typeof AGENDA_REASON_LABELS] ?? r)
              .join(", "),
            risk: i.risk_level ? RISK_LABELS[i.risk_level] : "",
            trend: i.risk_trend ? TREND_LABELS[i.risk_trend] : "",
            next: shortDate(i.next_review_on),
            decisions: i.decisions.map((x) => ({ ...x, due: shortDate(x.due_on) })),
          })),
          printedBy: `${user!.displayName} (${user!.agencyName})`,
          printedAt: formatLondon(app.clock.now()),
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/meetings/:id/minutes.docx",
      kind: "page",
      summary: "The agenda and minutes as a Word document (.docx), watermarked; children you may see",
      access: safeguarding,
      params: idParams,
      example: (f) => ({ params: { id: f.meetingId } }),
      handler: async ({ req, reply, user, params }) => {
        const p = await printable(app, user!, actorOf(user!, req), params.id);
        const at = app.clock.now();
        const buf = minutesDocx(p, { by: `${user!.displayName} (${user!.agencyName})`, at });
        reply
          .header("content-type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
          .header(
            "content-disposition",
            `attachment; filename="${p.meeting.reference.toLowerCase()}-minutes.docx"`,
          )
          .header("cache-control", "no-store");
        return reply.send(buf);
      },
    }),
  ];
}
