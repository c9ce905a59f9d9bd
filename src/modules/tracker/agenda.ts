// Building a MACE panel agenda from the cohort: children with escalations (overdue or escalated
// actions, missing now or since the last panel, return interviews overdue, risk increasing), new
// entries since the last panel, and children whose review falls due by the meeting. Pure.
import { shortDate } from "./format.ts";
import type { TrackerRow } from "./tracker.table.ts";
import type { AgendaReason } from "./tracker.tables.ts";
import { RISK_RANK } from "./tracker.vocab.ts";

export type AgendaCandidate = {
  entryId: string;
  childId: string;
  reference: string;
  name: string;
  riskLevel: TrackerRow["riskLevel"];
  riskTrend: TrackerRow["riskTrend"];
  nextReviewOn: string;
  reasons: AgendaReason[];
  detail: string[];
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function proposeAgenda(
  rows: readonly TrackerRow[],
  opts: {
    /** the meeting's London date, yyyy-MM-dd */
    meetingDate: string;
    /** when the previous panel of this kind was held (null: none yet) */
    since: Date | null;
    /** cohort entries already discussed at an earlier meeting */
    discussed: ReadonlySet<string>;
  },
): AgendaCandidate[] {
  const out: AgendaCandidate[] = [];
  for (const r of rows) {
    const reasons: AgendaReason[] = [];
    const detail: string[] = [];
    const esc: string[] = [];
    if (r.escalatedActions) esc.push(`${plural(r.escalatedActions, "action")} escalated to the panel`);
    else if (r.overdueActions) esc.push(`${plural(r.overdueActions, "action")} overdue`);
    if (r.missingNow) esc.push("missing now");
    else if (r.lastMissingAt && opts.since && r.lastMissingAt > opts.since)
      esc.push("missing since the last panel");
    if (r.rhiOverdue) esc.push(`${plural(r.rhiOverdue, "return interview")} overdue`);
    if (r.riskTrend === "increasing") esc.push("risk increasing");
    if (esc.length) {
      reasons.push("escalation");
      detail.push(esc.join("; "));
    }
    if ((opts.since && r.addedAt > opts.since) || !opts.discussed.has(r.entryId)) {
      reasons.push("new_entry");
      detail.push("new to the cohort, not yet discussed at a panel");
    }
    if (r.nextReviewOn <= opts.meetingDate) {
      reasons.push("review_due");
      detail.push(
        r.reviewOverdue
          ? `review overdue (was due ${shortDate(r.nextReviewOn)})`
          : `review due ${shortDate(r.nextReviewOn)}`,
      );
    }
    if (reasons.length)
      out.push({
        entryId: r.entryId,
        childId: r.childId,
        reference: r.reference,
        name: r.name,
        riskLevel: r.riskLevel,
        riskTrend: r.riskTrend,
        nextReviewOn: r.nextReviewOn,
        reasons,
        detail,
      });
  }
  const order = (c: AgendaCandidate) =>
    c.reasons.includes("escalation") ? 0 : c.reasons.includes("new_entry") ? 1 : 2;
  return out.sort(
    (a, b) =>
      order(a) - order(b) ||
      RISK_RANK[b.riskLevel] - RISK_RANK[a.riskLevel] ||
      a.nextReviewOn.localeCompare(b.nextReviewOn) ||
      a.name.localeCompare(b.name),
  );
}
