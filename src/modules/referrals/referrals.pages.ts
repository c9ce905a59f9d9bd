// Referral pages: the question-page journey ending in "Check your answers" (answers kept
// server-side in a draft), the confirmation, "My referrals", a referral's page (full with access to
// the child, status only for its referrer) and withdrawal. Thin: parse → service → render.
import { z } from "zod";
import type { App } from "../../app.ts";
import { defineRoute, type RouteDef, rolesOnly } from "../../http/routes.ts";
import { Invalid } from "../../platform/errors.ts";
import { actorOf } from "../access/access.service.ts";
import { SAFEGUARDING_ROLES } from "../identity/roles.ts";
import {
  answersFrom,
  checkAll,
  type Draft,
  keptAfter,
  nextStep,
  personsOf,
  previousStep,
  STEP_TITLES,
  STEPS,
  type Step,
  stepOfField,
  toSubmission,
  validateStep,
} from "./referrals.journey.ts";
import { concernsText, errorsFor, items, LABELS, personLines, personTitle } from "./referrals.present.ts";
import { referralIdParams, withdrawSchema } from "./referrals.schema.ts";
import { DRAFT_KEEP_DAYS, referralService } from "./referrals.service.ts";
import {
  INDICATORS,
  KIND_LABELS,
  PARENTS_AWARE_LABELS,
  SEND_LABELS,
  SEX_LABELS,
  SOURCE_LABELS,
  URGENCY_HINTS,
  WORKER_GENDER_LABELS,
  YES_NO_UNKNOWN_LABELS,
} from "./referrals.vocab.ts";

const safeguarding = rolesOnly(...SAFEGUARDING_ROLES);
const draftStepParams = z.object({ draftId: z.uuid(), step: z.enum(STEPS) });
const draftOnly = z.object({ draftId: z.uuid() });
type Form = Record<string, string | string[] | undefined>;

const KIND_HINTS: Record<string, string> = {
  child: "Search for the child by name or date of birth.",
  unknown_child:
    "You do not know who they are, or they are not on Lantern. Describe them, including any name you were given.",
  intelligence: "Information about adults, places, vehicles or phones, with no particular child.",
};

export function referralPages(app: App): RouteDef[] {
  const svc = referralService(app);

  /** Everything a question page needs. */
  async function stepView(
    step: Step,
    draftId: string | null,
    d: Draft,
    extra: Record<string, unknown> = {},
    returnTo?: string,
  ) {
    const prev = draftId ? previousStep(step, d) : null;
    const base = {
      step,
      draftId,
      title: STEP_TITLES[step],
      values: d,
      returnTo: returnTo === "check" ? "check" : undefined,
      backHref:
        returnTo === "check" && draftId
          ? `/referrals/drafts/${draftId}/check`
          : prev && draftId
            ? `/referrals/drafts/${draftId}/${prev}`
            : "/referrals",
      formAction: draftId ? `/referrals/drafts/${draftId}/${step}` : "/referrals/new",
      items: {
        about: items(KIND_LABELS, d.about, KIND_HINTS),
        concernTypes: items(LABELS.concern, d.concernTypes),
        urgency: items(LABELS.urgency, d.urgency, URGENCY_HINTS),
        indicators: items(INDICATORS, d.indicators),
        source: items(SOURCE_LABELS, d.source ?? "professional"),
        workerGenderPreference: items(WORKER_GENDER_LABELS, d.workerGenderPreference),
        parentsAware: items(PARENTS_AWARE_LABELS, d.parentsAware),
        send: items(SEND_LABELS, d.send),
        disability: items(YES_NO_UNKNOWN_LABELS, d.disability),
        lookedAfter: items(YES_NO_UNKNOWN_LABELS, d.lookedAfter),
        unknownChildSex: items(SEX_LABELS, d.unknownChildSex),
      },
      ...extra,
    };
    return base;
  }

  const pageFor = (step: Step) => `referrals/views/step-${step}.njk`;

  return [
    defineRoute({
      method: "GET",
      url: "/referrals",
      kind: "page",
      summary: "My referrals and their status, and referrals I have not finished",
      access: safeguarding,
      handler: async ({ req, reply, user }) => {
        const mine = await svc.mine(user!, actorOf(user!, req));
        return reply.page("referrals/views/mine.njk", {
          title: "Your referrals",
          ...mine,
          labels: LABELS,
          concernsText,
          discarded: (req.query as Record<string, string>).discarded === "1",
          draftKeepDays: DRAFT_KEEP_DAYS,
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/referrals/new",
      kind: "page",
      summary: "Make a referral: who it is about",
      access: safeguarding,
      handler: async ({ reply }) => reply.page(pageFor("about"), await stepView("about", null, {})),
    }),
    defineRoute({
      method: "POST",
      url: "/referrals/new",
      kind: "page",
      summary: "Start a referral (keeps the answers in a draft)",
      access: safeguarding,
      example: () => ({ form: { about: "child" } }),
      handler: async ({ req, reply, user }) => {
        const answers = answersFrom("about", (req.body ?? {}) as Form);
        const errs = validateStep("about", answers, {});
        if (errs.length)
          return reply.page(
            pageFor("about"),
            { ...(await stepView("about", null, answers)), ...errorsFor(errs) },
            400,
          );
        const id = await svc.createDraft(user!, answers);
        return reply.redirect(`/referrals/drafts/${id}/${nextStep("about", answers)}`, 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/referrals/drafts/:draftId/:step",
      kind: "page",
      summary: "A question page of a referral in progress",
      access: safeguarding,
      params: draftStepParams,
      example: (f) => ({ params: { draftId: f.referralDraftId, step: "concern" } }),
      handler: async ({ req, reply, user, params }) => {
        const draft = await svc.draft(user!, params.draftId);
        if (draft.submitted_referral_id) return reply.redirect(`/referrals/${draft.submitted_referral_id}`);
        const d = draft.data as Draft;
        const query = req.query as Record<string, string>;
        if (params.step === "check") return renderCheck(reply, params.draftId, d, []);
        const extra: Record<string, unknown> = {};
        if (params.step === "child") Object.assign(extra, await childSearch(app, user!, req, query, d));
        if (params.step === "person") {
          const n = query.n !== undefined ? Number(query.n) : null;
          const person = n !== null && Number.isInteger(n) ? personsOf(d)[n] : undefined;
          Object.assign(extra, {
            person: person
              ? {
                  ...person,
                  vehicles: person.vehicles?.join("\n"),
                  phones: person.phones?.join("\n"),
                  places: person.places?.join("\n"),
                  onlineAccounts: person.onlineAccounts?.join("\n"),
                }
              : {},
            n: person ? n : null,
            sexItems: items(SEX_LABELS, person?.sex ?? "unknown"),
          });
        }
        if (params.step === "persons") Object.assign(extra, personsView(d));
        return reply.page(
          pageFor(params.step),
          await stepView(params.step, params.draftId, d, extra, query.returnTo),
        );
      },
    }),
    defineRoute({
      method: "POST",
      url: "/referrals/drafts/:draftId/:step",
      kind: "page",
      summary: "Save the answers on a question page",
      access: safeguarding,
      params: draftStepParams,
      example: (f) => ({
        params: { draftId: f.referralDraftId, step: "concern" },
        form: { concernTypes: "cce", urgency: "high", indicators: "missing_episodes" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Form;
        const draft = await svc.draft(user!, params.draftId);
        if (draft.submitted_referral_id)
          return reply.redirect(`/referrals/${draft.submitted_referral_id}`, 303);
        const d = draft.data as Draft;
        const returnTo = typeof form.returnTo === "string" ? form.returnTo : undefined;
        const step = params.step;
        const go = (next: Step) =>
          reply.redirect(
            `/referrals/drafts/${params.draftId}/${returnTo === "check" && next !== "person" ? "check" : next}`,
            303,
          );
        if (step === "check") return go("check");
        if (step === "persons") {
          const persons = personsOf(d);
          if (typeof form.remove === "string" && /^\d+$/.test(form.remove)) {
            const i = Number(form.remove);
            await svc.saveDraft(user!, params.draftId, {
              personsOfConcern: persons.filter((_, k) => k !== i),
            });
            return reply.redirect(
              `/referrals/drafts/${params.draftId}/persons${returnTo === "check" ? "?returnTo=check" : ""}`,
              303,
            );
          }
          if (form.add === "yes")
            return reply.redirect(
              `/referrals/drafts/${params.draftId}/person${returnTo === "check" ? "?returnTo=check" : ""}`,
              303,
            );
          return go("check");
        }
        const answers = answersFrom(step, form);
        // Errors on list items (phones.0) belong to the list's field (phones).
        const errs = validateStep(step, answers, d).map((e) => ({ ...e, field: e.field.split(".")[0] }));
        if (step === "person") {
          const n = typeof form.n === "string" && /^\d+$/.test(form.n) ? Number(form.n) : null;
          if (errs.length)
            return reply.page(
              pageFor("person"),
              {
                ...(await stepView(
                  "person",
                  params.draftId,
                  d,
                  {
                    person: {
                      ...answers,
                      vehicles: form.vehicles,
                      phones: form.phones,
                      places: form.places,
                      onlineAccounts: form.onlineAccounts,
                    },
                    n,
                    sexItems: items(SEX_LABELS, answers.sex),
                  },
                  returnTo,
                )),
                ...errorsFor(errs),
              },
              400,
            );
          const persons = [...personsOf(d)];
          if (n !== null && n < persons.length) persons[n] = answers as never;
          else persons.push(answers as never);
          await svc.saveDraft(user!, params.draftId, { personsOfConcern: persons });
          return reply.redirect(
            `/referrals/drafts/${params.draftId}/persons${returnTo === "check" ? "?returnTo=check" : ""}`,
            303,
          );
        }
        const languageKept = keptAfter(step, form, d);
        if (errs.length) {
          const merged = { ...d, ...answers, languageKept };
          const extra: Record<string, unknown> = {};
          if (step === "child")
            Object.assign(extra, await childSearch(app, user!, req, form as Record<string, string>, merged));
          return reply.page(
            pageFor(step),
            { ...(await stepView(step, params.draftId, merged, extra, returnTo)), ...errorsFor(errs) },
            400,
          );
        }
        const saved = await svc.saveDraft(user!, params.draftId, { ...answers, languageKept });
        // Changing who the referral is about changes the pages: continue through them, not back to check.
        if (step === "about" && answers.about !== d.about)
          return reply.redirect(`/referrals/drafts/${params.draftId}/${nextStep("about", saved)}`, 303);
        return go(nextStep(step, saved));
      },
    }),
    defineRoute({
      method: "POST",
      url: "/referrals/drafts/:draftId/submit",
      kind: "page",
      summary: "Send the referral (a double submit sends one referral)",
      access: safeguarding,
      params: draftOnly,
      example: (f) => ({ params: { draftId: f.referralDraftId } }),
      handler: async ({ req, reply, user, params }) => {
        try {
          const r = await svc.submitDraft(user!, actorOf(user!, req), params.draftId, (d) =>
            toSubmission(d as Draft),
          );
          return reply.redirect(`/referrals/${r.referral.id}?sent=1`, 303);
        } catch (e) {
          if (!(e instanceof Invalid)) throw e;
          const draft = await svc.draft(user!, params.draftId);
          return renderCheck(
            reply,
            params.draftId,
            draft.data as Draft,
            e.fields.map((f) => ({ ...f, step: stepOfField(f.field) })),
            400,
          );
        }
      },
    }),
    defineRoute({
      method: "POST",
      url: "/referrals/drafts/:draftId/discard",
      kind: "page",
      summary: "Delete a referral you have not sent",
      access: safeguarding,
      params: draftOnly,
      example: (f) => ({ params: { draftId: f.referralDraftId } }),
      handler: async ({ reply, user, params }) => {
        await svc.discardDraft(user!, params.draftId);
        return reply.redirect("/referrals?discarded=1", 303);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/referrals/:id",
      kind: "page",
      summary: "A referral: in full with access to the child; its status for the person who made it",
      access: safeguarding,
      params: referralIdParams,
      recordPolicy: "referral.read",
      example: (f) => ({ params: { id: f.referralId } }),
      handler: async ({ req, reply, user, params }) => {
        const v = await svc.open(user!, actorOf(user!, req), params.id);
        reply.header("x-lantern-field-groups", v.fieldGroups.join(","));
        return reply.page(v.view === "full" ? "referrals/views/referral.njk" : "referrals/views/status.njk", {
          ...v,
          title: `Referral ${v.referral.reference}`,
          labels: LABELS,
          concernsText,
          personLines,
          personTitle,
          sent: (req.query as Record<string, string>).sent === "1",
          withdrawn: (req.query as Record<string, string>).withdrawn === "1",
          isReferrer: v.referral.referrer_user_id === user!.id,
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/referrals/:id/withdraw",
      kind: "page",
      summary: "Withdraw a referral you made (with a reason)",
      access: safeguarding,
      params: referralIdParams,
      recordPolicy: "referral.own",
      example: (f) => ({ params: { id: f.ownReferralId } }),
      handler: async ({ req, reply, user, params }) => {
        const v = await svc.open(user!, actorOf(user!, req), params.id);
        if (v.referral.referrer_user_id !== user!.id)
          return reply.page(
            "errors/403.njk",
            { message: "Only the person who made a referral can withdraw it here." },
            403,
          );
        return reply.page("referrals/views/withdraw.njk", {
          referral: v.referral,
          title: "Withdraw referral",
          values: {},
          formAction: `/referrals/${params.id}/withdraw`,
          backHref: `/referrals/${params.id}`,
        });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/referrals/:id/withdraw",
      kind: "page",
      summary: "Withdraw a referral you made",
      access: safeguarding,
      params: referralIdParams,
      recordPolicy: "referral.own",
      example: (f) => ({
        params: { id: f.ownReferralId },
        form: { reason: "Sent twice by mistake: see the other referral.", version: "1" },
      }),
      handler: async ({ req, reply, user, params }) => {
        const form = (req.body ?? {}) as Record<string, string>;
        const parsed = withdrawSchema.safeParse({ reason: form.reason ?? "" });
        const v = await svc.open(user!, actorOf(user!, req), params.id);
        if (v.referral.referrer_user_id !== user!.id)
          return reply.page(
            "errors/403.njk",
            { message: "Only the person who made a referral can withdraw it here." },
            403,
          );
        const render = (fields: { field: string; message: string }[], status: number, conflict = false) =>
          reply.page(
            "referrals/views/withdraw.njk",
            {
              referral: v.referral,
              title: "Withdraw referral",
              values: form,
              conflict,
              formAction: `/referrals/${params.id}/withdraw`,
              backHref: `/referrals/${params.id}`,
              ...errorsFor(fields),
            },
            status,
          );
        if (!parsed.success)
          return render(
            parsed.error.issues.map((i) => ({ field: "reason", message: i.message })),
            400,
          );
        try {
          await svc.withdraw(
            user!,
            actorOf(user!, req),
            params.id,
            () => Number(form.version),
            parsed.data.reason,
          );
        } catch (e) {
          const err = e as { code?: string; message?: string };
          if (err.code === "precondition_failed" || err.code === "conflict")
            return render([{ field: "reason", message: err.message ?? "" }], 409, true);
          throw e;
        }
        return reply.redirect(`/referrals/${params.id}?withdrawn=1`, 303);
      },
    }),
  ];

  function personsView(d: Draft) {
    return {
      persons: personsOf(d).map((p, i) => ({
        title: personTitle(p as never, i),
        lines: personLines(p as never),
        n: i,
      })),
    };
  }

  async function renderCheck(
    reply: import("fastify").FastifyReply,
    draftId: string,
    d: Draft,
    submitErrors: { field: string; message: string; step: Step }[],
    status = 200,
  ) {
    const problems = submitErrors.length ? submitErrors : status === 200 ? checkAll(d) : [];
    let child = null as null | { name: string; reference: string; dateOfBirth: string | null };
    if (d.about === "child" && typeof d.childId === "string") {
      const basics = await referralService(app).childBasics([d.childId]);
      child = basics.get(d.childId) ?? null;
    }
    const change = (step: Step) => `/referrals/drafts/${draftId}/${step}?returnTo=check`;
    return reply.page(
      "referrals/views/check.njk",
      {
        title: STEP_TITLES.check,
        draftId,
        d,
        child,
        change,
        labels: LABELS,
        persons: personsOf(d).map((p, i) => ({
          title: personTitle(p as never, i),
          lines: personLines(p as never),
        })),
        backHref: `/referrals/drafts/${draftId}/persons`,
        // Before sending, incomplete answers are listed as things to do; after a failed send, as errors.
        ...(status === 200
          ? {
              todo: problems.map((p) => ({
                text: p.message,
                href: `${change(p.step)}#${p.field.split(".")[0]}`,
              })),
            }
          : errorsFor(problems, (f) => `${change(stepOfField(f))}`)),
      },
      status,
    );
  }
}

/** The child search on the "Find the child" page: the access module's search and signpost. */
async function childSearch(
  app: App,
  user: import("../../http/routes.ts").SessionUser,
  req: import("fastify").FastifyRequest,
  q: Record<string, string | string[] | undefined>,
  d: Draft,
) {
  const name = typeof q.name === "string" ? q.name.trim() : "";
  const dateOfBirth = typeof q.dateOfBirth === "string" ? q.dateOfBirth.trim() : "";
  const out: Record<string, unknown> = { search: { name, dateOfBirth } };
  if (name || dateOfBirth) {
    if (dateOfBirth && !/^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth)) {
      out.searchError = "Enter a date of birth like 2011-04-23";
      return out;
    }
    const results = await app.access.search(user, actorOf(user, req), {
      name: name || undefined,
      dateOfBirth: dateOfBirth || undefined,
    });
    out.results = results;
    out.childItems = results.map((r) => ({
      value: r.id,
      text: `${r.givenName ?? ""} ${r.familyName ?? ""}`.trim() || r.reference,
      hint: {
        text: `Born ${r.dateOfBirth ?? "date not known"} · ${r.school ?? "school not recorded"} · ${r.reference}`,
      },
      checked: r.id === d.childId,
    }));
    out.searched = true;
  } else if (typeof d.childId === "string") {
    const basics = await referralService(app).childBasics([d.childId]);
    const c = basics.get(d.childId);
    if (c)
      out.childItems = [
        {
          value: d.childId,
          text: c.name,
          hint: { text: `Born ${c.dateOfBirth ?? "date not known"} · ${c.reference}` },
          checked: true,
        },
      ];
  }
  return out;
}
