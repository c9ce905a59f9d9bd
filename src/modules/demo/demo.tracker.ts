// The demo county's tracker, missing and contexts data (issue 9): the MACE panel; about 3% of
// children in the cohort (from MACE screening decisions, exploitation networks, strategy
// discussions and repeated missing episodes) with reviews, plans, goals and actions across
// agencies (some overdue and escalated); three past MACE panels with attendance and minutes and one
// coming up with no agenda yet; return-home interviews for the generator's episodes; placements and
// out-of-area notifications for looked-after children in the cohort; contexts (peer groups, places
// and online spaces) from the networks, with linked children, assessments and actions.
// Pure planning (planTrackerDemo: the same county always gives the same rows) plus one insert pass.
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import "../tracker/tracker.tables.ts";
import "../missing/missing.tables.ts";
import "../contexts/contexts.tables.ts";
import { USERS } from "./demo.data.ts";
import type { DemoCounty } from "./demo.generator.ts";
import {
  DAY,
  HOUR,
  isoDate,
  isoInstant,
  londonDay,
  londonTime,
  MINUTE,
  parseIsoDate,
} from "./demo.identifiers.ts";
import { Rng } from "./prng.ts";

type Row = Record<string, unknown>;
export type TrackerDemo = {
  mace_panel_members: Row[];
  relationships: Row[];
  relationshipEnds: { id: string; ends_at: string }[];
  cohort_entries: Row[];
  cohort_reviews: Row[];
  contexts: Row[];
  context_children: Row[];
  context_assessments: Row[];
  plan_goals: Row[];
  plan_actions: Row[];
  action_updates: Row[];
  meetings: Row[];
  meeting_items: Row[];
  meeting_attendance: Row[];
  meeting_minutes: Row[];
  meeting_decisions: Row[];
  return_interviews: Row[];
  placements: Row[];
  out_of_area_notifications: Row[];
  /** The MACE panel coming up (no agenda yet): the e2e journey builds its agenda. */
  upcomingMeetingId: string | null;
};

const CONCERN_WORDS: Record<string, string> = {
  cce: "criminal exploitation",
  county_lines: "county lines exploitation",
  cse: "sexual exploitation",
  online: "online sexual abuse",
  trafficking: "trafficking",
  other: "exploitation",
};

export function planTrackerDemo(county: DemoCounty): TrackerDemo {
  const rng = new Rng(county.seed, "tracker");
  const ids = new Rng(county.seed, "tracker-ids");
  const id = () => ids.uuid();
  const ref = parseIsoDate(county.referenceDate);
  const now = londonTime(ref, 8 * 60);
  const today = isoDate(londonDay(now));
  const dayOf = (ms: number) => isoDate(londonDay(ms));
  const agency = (code: string) => county.agencies.find((a) => a.code === code)?.id ?? county.agencies[0].id;
  const userByName = new Map(county.users.map((u) => [u.display_name, u]));
  const coordinator = county.users.find((u) => u.roles.includes("mace_coordinator"));
  const out: TrackerDemo = {
    mace_panel_members: [],
    relationships: [],
    relationshipEnds: [],
    cohort_entries: [],
    cohort_reviews: [],
    contexts: [],
    context_children: [],
    context_assessments: [],
    plan_goals: [],
    plan_actions: [],
    action_updates: [],
    meetings: [],
    meeting_items: [],
    meeting_attendance: [],
    meeting_minutes: [],
    meeting_decisions: [],
    return_interviews: [],
    placements: [],
    out_of_area_notifications: [],
    upcomingMeetingId: null,
  };
  if (!coordinator || county.children.length === 0) return out;

  // ---------- the panel ----------
  const panel = USERS.filter((u) => u.panel)
    .map((u) => userByName.get(u.name))
    .filter((u): u is NonNullable<typeof u> => Boolean(u));
  for (const u of panel)
    out.mace_panel_members.push({
      id: id(),
      user_id: u.id,
      added_by: coordinator.id,
      added_at: isoInstant(now - 400 * DAY),
      ended_at: null,
    });

  // ---------- who is in the cohort ----------
  const childById = new Map(county.children.map((c) => [c.id, c]));
  const refsByChild = new Map<string, typeof county.referrals>();
  for (const r of county.referrals)
    if (r.child_id) refsByChild.set(r.child_id, [...(refsByChild.get(r.child_id) ?? []), r]);
  const episodesByChild = new Map<string, typeof county.missing_episodes>();
  for (const e of county.missing_episodes)
    episodesByChild.set(e.child_id, [...(episodesByChild.get(e.child_id) ?? []), e]);
  const networkOf = new Map<string, (typeof county.networks)[number]>();
  for (const n of county.networks) for (const c of n.child_ids) if (!networkOf.has(c)) networkOf.set(c, n);
  const score = (childId: string) => {
    const refs = refsByChild.get(childId) ?? [];
    const mace = refs.some(
      (r) => r.decision === "mace" && r.decided_at && now - Date.parse(r.decided_at) < 540 * DAY,
    );
    const sd = refs.some((r) => r.decision === "strategy_discussion" || r.decision === "nrm_referral");
    const net = networkOf.get(childId);
    const missing = (episodesByChild.get(childId) ?? []).filter(
      (e) => now - Date.parse(e.started_at) < 365 * DAY,
    ).length;
    return (mace ? 100 : 0) + (net?.active ? 40 : net ? 10 : 0) + (sd ? 20 : 0) + Math.min(missing, 8) * 3;
  };
  const candidates = [...new Set([...refsByChild.keys(), ...networkOf.keys()])]
    .filter((c) => childById.has(c) && score(c) > 0)
    .sort((a, b) => score(b) - score(a) || a.localeCompare(b));
  const target = Math.min(candidates.length, Math.max(8, Math.round(county.children.length * 0.03)));
  const cohort = candidates.slice(0, target);
  const leftCount = Math.round(cohort.length * 0.12);

  const allocated = new Map<string, string>();
  for (const r of county.relationships)
    if (r.kind === "allocated_worker" && !r.ends_at) allocated.set(r.child_id, r.user_id);
  const activePanelRel = new Set(
    county.relationships
      .filter((r) => r.kind === "mace_panel" && (!r.ends_at || Date.parse(r.ends_at) > now))
      .map((r) => `${r.user_id}|${r.child_id}`),
  );
  const userById = new Map(county.users.map((u) => [u.id, u]));
  const name = (c: { given_name: string | null; family_name: string | null; reference: string }) =>
    c.given_name ?? c.reference;

  type Open = {
    entryId: string;
    childId: string;
    addedAt: number;
    name: string;
    town: string;
    school: string | null;
    risk: string;
  };
  const open: Open[] = [];
  cohort.forEach((childId, k) => {
    const c = childById.get(childId)!;
    const refs = refsByChild.get(childId) ?? [];
    const decided = refs.filter(
      (r) =>
        r.decided_at &&
        (r.decision === "mace" || r.decision === "strategy_discussion" || r.decision === "nrm_referral"),
    );
    const from = decided.find((r) => r.decision === "mace") ?? decided[0];
    const net = networkOf.get(childId);
    const concerns = [
      ...new Set([
        ...(from?.concern_types ?? refs[0]?.concern_types ?? []),
        ...(net?.kind === "county_lines"
          ? ["county_lines", "cce"]
          : net?.kind === "cse_group"
            ? ["cse"]
            : net?.kind === "online"
              ? ["online"]
              : []),
      ]),
    ];
    if (!concerns.length) concerns.push("other");
    const addedAt = from?.decided_at
      ? Math.max(Date.parse(from.decided_at) + 2 * HOUR, now - 520 * DAY)
      : now - rng.int(20, 300) * DAY;
    const left = k >= cohort.length - leftCount && now - addedAt > 120 * DAY;
    const risk = rng.weighted([
      ["high", net?.active ? 55 : 30],
      ["medium", 50],
      ["low", 15],
    ] as const);
    const worker = allocated.get(childId) ? userById.get(allocated.get(childId)!) : undefined;
    const lead =
      net?.kind === "county_lines" && rng.chance(0.5)
        ? agency("KCON")
        : (worker?.agency_id ?? agency("KCC-CSC"));
    const leadName =
      lead === agency("KCON")
        ? "DS Michael Adeyemi, Child Exploitation Team"
        : worker
          ? `${worker.display_name}, ${worker.job_title.toLowerCase()}`
          : null;
    const entryId = id();
    const town = net?.towns[0] ?? "Kesterbridge";
    const n = name(c);
    const reason = from
      ? `Screening decision ${from.reference}: agencies are worried about ${CONCERN_WORDS[concerns[0]] ?? "exploitation"} of ${n} by adults${net ? ` linked to ${town}` : ""}. A multi-agency plan is needed to keep ${n} safe and disrupt the adults.`
      : `${n} has been missing ${(episodesByChild.get(childId) ?? []).length} times and is linked to adults of concern${net ? ` in ${town}` : ""}. Agencies agreed to follow ${n} through the MACE panel.`;
    // Reviews roughly every six weeks from joining.
    const reviews: { at: number; risk: string; trend: string }[] = [];
    for (
      let t = addedAt + rng.int(21, 42) * DAY;
      t < (left ? now - 30 * DAY : now - 2 * DAY);
      t += rng.int(35, 49) * DAY
    )
      reviews.push({
        at: t,
        risk: reviews.length
          ? rng.weighted([
              [risk, 70],
              ["medium", 20],
              ["low", 10],
            ] as const)
          : risk,
        trend: rng.weighted([
          ["stable", 50],
          ["increasing", 25],
          ["decreasing", 25],
        ] as const),
      });
    const last = reviews[reviews.length - 1];
    const nextReview = last ? last.at + 42 * DAY : addedAt + 28 * DAY;
    const overdueReview = rng.chance(0.1);
    const nextOn = overdueReview
      ? dayOf(now - rng.int(2, 12) * DAY)
      : dayOf(Math.max(nextReview, now + rng.int(1, 40) * DAY));
    const leftAt = left ? now - rng.int(5, 25) * DAY : null;
    out.cohort_entries.push({
      id: entryId,
      child_id: childId,
      referral_id: from?.id ?? null,
      source: from ? "screening" : "direct",
      reason,
      concern_types: concerns,
      lead_agency_id: lead,
      lead_professional: leadName,
      risk_level: last?.risk ?? risk,
      risk_trend: last?.trend ?? "new",
      last_review_on: last ? dayOf(last.at) : null,
      next_review_on: nextOn,
      added_at: isoInstant(addedAt),
      added_by: coordinator.id,
      added_by_agency_id: coordinator.agency_id,
      status: left ? "left" : "open",
      left_at: leftAt ? isoInstant(leftAt) : null,
      left_by: left ? coordinator.id : null,
      leaving_reason: left
        ? `Risk has reduced over three reviews: ${n} is back in school full time and has not been missing for three months. The lead agency holds the safety plan.`
        : null,
      leaving_outcome: left ? rng.pick(["risk_reduced", "stepped_down"]) : null,
      created_at: isoInstant(addedAt),
      updated_at: isoInstant(last?.at ?? addedAt),
    });
    out.cohort_reviews.push({
      id: id(),
      cohort_entry_id: entryId,
      child_id: childId,
      meeting_id: null,
      reviewed_at: isoInstant(addedAt),
      reviewed_by: coordinator.id,
      agency_id: coordinator.agency_id,
      risk_level: risk,
      risk_trend: "new",
      lead_agency_id: lead,
      lead_professional: leadName,
      next_review_on: dayOf(addedAt + 28 * DAY),
      note: "Joined the cohort",
      created_at: isoInstant(addedAt),
    });
    for (const r of reviews)
      out.cohort_reviews.push({
        id: id(),
        cohort_entry_id: entryId,
        child_id: childId,
        meeting_id: null,
        reviewed_at: isoInstant(r.at),
        reviewed_by: coordinator.id,
        agency_id: coordinator.agency_id,
        risk_level: r.risk,
        risk_trend: r.trend,
        lead_agency_id: lead,
        lead_professional: leadName,
        next_review_on: dayOf(r.at + 42 * DAY),
        note: "Reviewed at the MACE panel",
        created_at: isoInstant(r.at),
      });
    // Panel access: a relationship for each panel member while the child is in the cohort.
    for (const u of panel) {
      const key = `${u.id}|${childId}`;
      if (!left && activePanelRel.has(key)) continue;
      out.relationships.push({
        id: id(),
        user_id: u.id,
        child_id: childId,
        kind: "mace_panel",
        reason: `MACE panel member: child in the MACE cohort since ${dayOf(addedAt)}`,
        starts_at: isoInstant(addedAt),
        ends_at: leftAt ? isoInstant(leftAt) : null,
        created_at: isoInstant(addedAt),
      });
    }
    if (left)
      for (const r of county.relationships)
        if (r.kind === "mace_panel" && r.child_id === childId && (!r.ends_at || Date.parse(r.ends_at) > now))
          out.relationshipEnds.push({ id: r.id, ends_at: isoInstant(leftAt!) });
    if (!left)
      open.push({
        entryId,
        childId,
        addedAt,
        name: n,
        town,
        school: c.school_agency_id,
        risk: last?.risk ?? risk,
      });
    // Placement for a looked-after child.
    if (c.looked_after && c.placement_type) {
      const pid = id();
      const started = dayOf(now - rng.int(60, 700) * DAY);
      out.placements.push({
        id: pid,
        child_id: childId,
        placement_type: c.placement_type,
        placing_authority: c.placing_authority ?? "Kestershire County Council",
        host_authority: c.out_of_area
          ? rng.pick([
              "City of Eastbridge Council",
              "Brackmoor Metropolitan Borough Council",
              "Hallamford City Council",
            ])
          : null,
        address: c.placement_address,
        postcode: c.placement_postcode,
        out_of_area: c.out_of_area,
        started_on: started,
        ended_on: null,
        agency_id: agency("KCC-CSC"),
        recorded_by: worker?.id ?? null,
        created_at: `${started}T09:00:00.000Z`,
      });
      if (c.out_of_area && rng.chance(0.8))
        out.out_of_area_notifications.push({
          id: id(),
          placement_id: pid,
          child_id: childId,
          host_authority: out.placements[out.placements.length - 1].host_authority,
          notified_at: `${started}T14:30:00.000Z`,
          method: rng.pick(["secure_email", "portal"]),
          contact: "Children's services front door",
          acknowledged_at: rng.chance(0.7) ? `${started}T16:05:00.000Z` : null,
          reference: `OOA-${rng.int(1000, 9999)}`,
          agency_id: agency("KCC-CSC"),
          recorded_by: worker?.id ?? null,
          created_at: `${started}T14:30:00.000Z`,
        });
    }
  });

  // ---------- plans: goals and actions ----------
  const GOALS = [
    "{N} feels safe where they live and has a trusted adult to talk to",
    "Reduce the time {N} spends missing, and understand who and what pulls {N} away",
    "Disrupt the adults who are exploiting {N}",
    "{N} is back in full-time education",
  ];
  const ACTIONS: [string, string][] = [
    ["KCON", "Serve a child abduction warning notice on the adult seen with {N}"],
    ["KCON", "Disruption visit to the address in {T} where {N} has been found"],
    ["KCON", "Submit intelligence on the vehicles seen collecting {N}"],
    ["KCC-CSC", "Update {N}'s safety plan with {N} and the carers"],
    ["KCC-CSC", "Review the placement with the placing authority"],
    ["KCC-CSC", "Complete an exploitation risk assessment with {N}"],
    ["SCHOOL", "Attendance plan and a named trusted adult in school for {N}"],
    ["KCH-NHS", "Offer {N} a health appointment with a worker {N} already knows"],
    ["WAYHOME", "Weekly one-to-one sessions for {N} with a Way Home worker"],
    ["KYJS", "Reachable-moment work with {N} after the arrest in {T}"],
  ];
  const EVIDENCE = [
    "Done: visit took place; {N} talked about football and about the adults at the park.",
    "Done: notice served and recorded on the police system.",
    "Done: plan agreed with {N} and the carers; copy shared with the panel.",
    "Done: first session held; {N} asked for the same worker next week.",
  ];
  const fill = (s: string, o: Open) => s.replaceAll("{N}", o.name).replaceAll("{T}", o.town);
  for (const o of open) {
    const goals = rng.sample(GOALS, rng.int(1, 2)).map((g) => {
      const gid = id();
      out.plan_goals.push({
        id: gid,
        cohort_entry_id: o.entryId,
        context_id: null,
        child_id: o.childId,
        text: fill(g, o),
        status: "open",
        agency_id: coordinator.agency_id,
        created_by: coordinator.id,
        created_at: isoInstant(o.addedAt + DAY),
      });
      return gid;
    });
    for (const [code, text] of rng.sample(ACTIONS, rng.int(3, 6))) {
      const owner = code === "SCHOOL" ? (o.school ?? agency("KCC-EDU")) : agency(code);
      const created = Math.min(now - DAY, o.addedAt + rng.int(1, 60) * DAY);
      const status = rng.weighted([
        ["done", 35],
        ["in_progress", 30],
        ["open", 35],
      ] as const);
      const due =
        status === "done"
          ? created + rng.int(7, 28) * DAY
          : rng.chance(0.25)
            ? now - rng.int(2, 30) * DAY
            : now + rng.int(3, 40) * DAY;
      const dueOn = dayOf(due);
      const overdueDays = Math.floor((now - due) / DAY);
      const level = status !== "done" && dueOn < today ? (overdueDays > 14 ? 2 : 1) : 0;
      const aid = id();
      const doneAt = status === "done" ? Math.min(now - HOUR, due - rng.int(0, 5) * DAY) : null;
      out.plan_actions.push({
        id: aid,
        cohort_entry_id: o.entryId,
        context_id: null,
        child_id: o.childId,
        goal_id: rng.chance(0.6) ? rng.pick(goals) : null,
        text: fill(text, o),
        owner_agency_id: owner,
        owner_name: null,
        due_on: dueOn,
        status,
        evidence:
          status === "done"
            ? fill(rng.pick(EVIDENCE), o)
            : status === "in_progress"
              ? "Started; next step booked."
              : null,
        completed_at: doneAt ? isoInstant(doneAt) : null,
        escalation_level: level,
        escalated_at: level
          ? isoInstant(Math.min(now - HOUR, due + DAY + (level === 2 ? 14 * DAY : 0)))
          : null,
        source_meeting_id: null,
        source_minute_id: null,
        created_by: coordinator.id,
        created_by_agency_id: coordinator.agency_id,
        version: status === "open" ? 1 : 2,
        created_at: isoInstant(created),
        updated_at: isoInstant(doneAt ?? created),
        updated_by: null,
      });
      out.action_updates.push({
        id: id(),
        action_id: aid,
        child_id: o.childId,
        at: isoInstant(created),
        user_id: coordinator.id,
        agency_id: coordinator.agency_id,
        status: "open",
        note: "Agreed at the MACE panel",
        kind: "created",
      });
      if (status !== "open")
        out.action_updates.push({
          id: id(),
          action_id: aid,
          child_id: o.childId,
          at: isoInstant(doneAt ?? created + DAY),
          user_id: null,
          agency_id: owner,
          status,
          note: out.plan_actions[out.plan_actions.length - 1].evidence,
          kind: "update",
        });
      if (level)
        out.action_updates.push({
          id: id(),
          action_id: aid,
          child_id: o.childId,
          at: out.plan_actions[out.plan_actions.length - 1].escalated_at,
          user_id: null,
          agency_id: null,
          status: "escalated",
          note:
            level === 2
              ? "Overdue by more than 14 days: escalated to the MACE panel"
              : "Overdue: escalated to the owning agency",
          kind: "escalated",
        });
    }
  }

  // ---------- meetings: three past panels and one coming up ----------
  const attendees = panel.map((u) => ({
    agency_id: u.agency_id,
    person_name: u.display_name,
    role: u.job_title,
  }));
  for (let m = 3; m >= 1; m--) {
    const heldAt = londonTime(londonDay(now - (m * 28 - 2) * DAY), 10 * 60);
    const mid = id();
    out.meetings.push({
      id: mid,
      reference: `MTG-${dayOf(heldAt).replaceAll("-", "")}-P${m}`,
      kind: "mace_panel",
      title: `MACE panel: ${new Date(heldAt).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "Europe/London" })}`,
      held_at: isoInstant(heldAt),
      location: "Kesterbridge Civic Centre, Room 4, and online",
      chair: "Joanne Fisher, MACE Coordinator",
      status: "closed",
      owning_agency_id: coordinator.agency_id,
      created_by: coordinator.id,
      agenda_built_at: isoInstant(heldAt - 5 * DAY),
      created_at: isoInstant(heldAt - 20 * DAY),
    });
    attendees.forEach((a, i) => {
      out.meeting_attendance.push({
        id: id(),
        meeting_id: mid,
        ...a,
        attendance: (i + m) % 7 === 0 ? "apologies" : "present",
        recorded_by: coordinator.id,
        created_at: isoInstant(heldAt),
      });
    });
    const onAgenda = open.filter((o) => o.addedAt < heldAt - 3 * DAY).slice(0, 12);
    onAgenda.forEach((o, pos) => {
      const itemId = id();
      out.meeting_items.push({
        id: itemId,
        meeting_id: mid,
        position: pos + 1,
        child_id: o.childId,
        cohort_entry_id: o.entryId,
        reasons: ["review_due"],
        reason_detail: "review due",
        created_at: isoInstant(heldAt - 5 * DAY),
      });
      const minuteId = id();
      out.meeting_minutes.push({
        id: minuteId,
        meeting_id: mid,
        item_id: itemId,
        child_id: o.childId,
        cohort_entry_id: o.entryId,
        summary: `Police and children's services updated the panel. ${o.name} was missing ${rng.int(0, 3)} times since the last panel and adults linked to ${o.town} remain a concern. Agencies are working to disrupt the adults; school reports ${o.name} is attending more often.`,
        child_voice: rng.chance(0.6)
          ? `${o.name} said: "I want to go back to football and see my friends."`
          : null,
        risk_level: o.risk,
        risk_trend: rng.pick(["stable", "decreasing", "increasing"]),
        next_review_on: dayOf(heldAt + 42 * DAY),
        language_flags: "[]",
        language_checked: true,
        language_dictionary: null,
        recorded_by: coordinator.id,
        agency_id: coordinator.agency_id,
        created_at: isoInstant(heldAt + 2 * HOUR),
        updated_at: isoInstant(heldAt + 2 * HOUR),
      });
      out.meeting_decisions.push({
        id: id(),
        minute_id: minuteId,
        meeting_id: mid,
        child_id: o.childId,
        text: `${o.name} remains in the cohort; review at the panel in six weeks`,
        action_id: null,
        created_at: isoInstant(heldAt + 2 * HOUR),
      });
    });
  }
  const upcoming = id();
  const nextHeld = londonTime(londonDay(now + 7 * DAY), 10 * 60);
  out.meetings.push({
    id: upcoming,
    reference: `MTG-${dayOf(nextHeld).replaceAll("-", "")}-NEXT`,
    kind: "mace_panel",
    title: `MACE panel: ${new Date(nextHeld).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" })}`,
    held_at: isoInstant(nextHeld),
    location: "Kesterbridge Civic Centre, Room 4, and online",
    chair: "Joanne Fisher, MACE Coordinator",
    status: "planned",
    owning_agency_id: coordinator.agency_id,
    created_by: coordinator.id,
    agenda_built_at: null,
    created_at: isoInstant(now - 14 * DAY),
  });
  out.upcomingMeetingId = upcoming;

  // ---------- return-home interviews for the generator's episodes ----------
  const wayhome = county.users.filter((u) => u.agency_id === agency("WAYHOME"));
  const ACCOUNTS = [
    "{N} said they stayed at a flat in {T} and an older man bought food. {N} did not want to say more today and asked to see the same worker again.",
    "{N} said they were driven to {T} by people they did not know and were told to stay there. {N} was frightened and wants to stay near home.",
    "{N} said they went to a party at a house and could not get home. {N} asked for help to change their phone number.",
  ];
  for (const e of county.missing_episodes) {
    if (!e.rhi_offered_at || e.kind !== "missing" || !e.ended_at) continue;
    const c = childById.get(e.child_id);
    if (!c) continue;
    const n = name(c);
    const completed = e.rhi_status === "completed";
    out.return_interviews.push({
      id: id(),
      episode_id: e.id,
      child_id: e.child_id,
      provider_agency_id: agency("WAYHOME"),
      interviewer: wayhome.length
        ? `${rng.pick(wayhome).display_name}, Way Home`
        : "Way Home return interview worker",
      independent: rng.chance(0.95),
      outcome: e.rhi_status === "not_due" || e.rhi_status === "due" ? "offered" : e.rhi_status,
      offered_at: e.rhi_offered_at,
      completed_at: completed ? e.rhi_completed_at : null,
      declined_at:
        e.rhi_status === "declined" ? isoInstant(Date.parse(e.rhi_offered_at) + 30 * MINUTE) : null,
      child_account: completed
        ? rng
            .pick(ACCOUNTS)
            .replaceAll("{N}", n)
            .replaceAll("{T}", networkOf.get(e.child_id)?.towns[0] ?? "Kesterbridge")
        : null,
      follow_up: completed
        ? "Shared with the allocated social worker and the police exploitation team; intelligence submitted."
        : null,
      recorded_by: wayhome[0]?.id ?? null,
      created_at: e.rhi_offered_at,
      updated_at: e.rhi_completed_at ?? e.rhi_offered_at,
    });
  }

  // ---------- contexts from the networks ----------
  const entityById = new Map(county.entities.map((e) => [e.id, e]));
  const PLACE: Record<string, string> = {
    park: "park",
    takeaway: "takeaway",
    hotel: "hotel",
    railway_station: "transport",
    residential: "address",
  };
  const cohortIds = new Set(cohort);
  const addContext = (c: Row, children: string[], how: string, net: (typeof county.networks)[number]) => {
    out.contexts.push(c);
    for (const childId of children)
      out.context_children.push({
        id: id(),
        context_id: c.id,
        child_id: childId,
        how,
        agency_id: agency("KCON"),
        linked_by: null,
        linked_at: c.created_at,
        ended_at: null,
      });
    if (rng.chance(0.7)) {
      out.context_assessments.push({
        id: id(),
        context_id: c.id,
        assessed_on: dayOf(Date.parse(String(c.created_at)) + 14 * DAY),
        risk_level: c.risk_level,
        factors: rng.sample(
          [
            "adults_of_concern",
            "gifts_money",
            "alcohol_drugs_given",
            "unsupervised",
            "transport",
            "drug_supply",
            "online_contact",
          ],
          rng.int(2, 4),
        ),
        summary: `Children linked to the ${net.name} network are seen here. Partners found adults of concern present and few trusted adults.`,
        recommendations:
          "Detached youth work, licensing and police disruption visits; share sightings with the MACE panel.",
        agency_id: agency("KSCP"),
        assessed_by: coordinator.id,
        created_at: isoInstant(Date.parse(String(c.created_at)) + 14 * DAY),
      });
      const due = now + rng.int(-10, 30) * DAY;
      out.plan_actions.push({
        id: id(),
        cohort_entry_id: null,
        context_id: c.id,
        child_id: null,
        goal_id: null,
        text: rng.pick([
          "Detached youth work on Friday and Saturday evenings",
          "Licensing review visit with trading standards",
          "Request CCTV coverage and improved lighting",
          "Police patrols and disruption visits",
        ]),
        owner_agency_id: rng.pick([agency("KCON"), agency("KCC-CSC"), agency("CHARITY")]),
        owner_name: null,
        due_on: dayOf(due),
        status: rng.pick(["open", "in_progress"]),
        evidence: null,
        completed_at: null,
        escalation_level: 0,
        escalated_at: null,
        source_meeting_id: null,
        source_minute_id: null,
        created_by: coordinator.id,
        created_by_agency_id: coordinator.agency_id,
        version: 1,
        created_at: c.created_at,
        updated_at: c.created_at,
        updated_by: null,
      });
    }
  };
  let seq = 0;
  for (const net of county.networks) {
    const kids = net.child_ids.filter((x) => childById.has(x));
    if (!kids.length) continue;
    const created = isoInstant(now - rng.int(60, 400) * DAY);
    const risk = net.active ? "high" : "medium";
    const linked = kids.filter((k) => cohortIds.has(k) || rng.chance(0.6));
    if (net.kind === "peer_group" || net.kind === "county_lines" || net.kind === "cse_group")
      addContext(
        {
          id: id(),
          reference: `CTX-${String(++seq).padStart(4, "0")}`,
          kind: "peer_group",
          name: `Peer group: ${net.name}`,
          description: `Young people linked through the ${net.name} network in ${net.towns.join(" and ")}.`,
          place_type: null,
          location: net.towns[0],
          postcode: null,
          platform: null,
          entity_id: null,
          risk_level: risk,
          status: "active",
          owning_agency_id: agency("KCON"),
          created_by: coordinator.id,
          created_at: created,
          updated_at: created,
        },
        linked,
        "Named by police and school as part of this peer group",
        net,
      );
    for (const eid of net.entity_ids) {
      const e = entityById.get(eid);
      if (!e) continue;
      if (e.kind === "location" && PLACE[e.subtype ?? ""]) {
        addContext(
          {
            id: id(),
            reference: `CTX-${String(++seq).padStart(4, "0")}`,
            kind: "place",
            name: e.label,
            description: e.attributes.note ?? null,
            place_type: PLACE[e.subtype ?? ""],
            location: e.attributes.address ?? e.label,
            postcode: e.attributes.postcode ?? null,
            platform: null,
            entity_id: e.id,
            risk_level: risk,
            status: "active",
            owning_agency_id: agency("KCON"),
            created_by: coordinator.id,
            created_at: created,
            updated_at: created,
          },
          rng.sample(linked, Math.min(linked.length, rng.int(1, 4))),
          "Found here when missing, or seen here with adults of concern",
          net,
        );
      } else if (e.kind === "online_account" && net.kind === "online") {
        addContext(
          {
            id: id(),
            reference: `CTX-${String(++seq).padStart(4, "0")}`,
            kind: "online_space",
            name: `${e.subtype} accounts contacting children (${net.name})`,
            description: "Accounts believed to be run by adults who contact children and ask for images.",
            place_type: null,
            location: null,
            postcode: null,
            platform: e.subtype,
            entity_id: e.id,
            risk_level: risk,
            status: "active",
            owning_agency_id: agency("KCON"),
            created_by: coordinator.id,
            created_at: created,
            updated_at: created,
          },
          linked,
          "Contacted by these accounts",
          net,
        );
      }
    }
  }
  return out;
}

const ORDER: (keyof Omit<TrackerDemo, "relationshipEnds" | "upcomingMeetingId">)[] = [
  "mace_panel_members",
  "relationships",
  "cohort_entries",
  "cohort_reviews",
  "contexts",
  "context_children",
  "context_assessments",
  "plan_goals",
  "plan_actions",
  "action_updates",
  "meetings",
  "meeting_items",
  "meeting_attendance",
  "meeting_minutes",
  "meeting_decisions",
  "return_interviews",
  "placements",
  "out_of_area_notifications",
];

/** Inserts the tracker demo rows in the seeding transaction (system scope, set by seedDemo). */
export async function seedTrackerDemo(
  tx: Kysely<DB>,
  county: DemoCounty,
  progress: (phase: string, done: number, total: number) => void = () => {},
): Promise<Record<string, number>> {
  const plan = planTrackerDemo(county);
  const counts: Record<string, number> = {};
  for (const table of ORDER) {
    const rows = plan[table];
    counts[table] = rows.length;
    progress(`tracker: ${table.replaceAll("_", " ")}`, 0, rows.length);
    for (let i = 0; i < rows.length; i += 400)
      await tx
        .insertInto(table as "contexts")
        .values(rows.slice(i, i + 400) as never)
        .execute();
    progress(`tracker: ${table.replaceAll("_", " ")}`, rows.length, rows.length);
  }
  for (const r of plan.relationshipEnds)
    await tx.updateTable("relationships").set({ ends_at: r.ends_at }).where("id", "=", r.id).execute();
  return counts;
}
