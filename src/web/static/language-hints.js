// Live language hints for narrative fields (progressive enhancement; loaded on every page).
//
// Any <textarea data-language-check> gets a panel under it. As the writer types (debounced), the
// text is sent to POST /api/v1/language/check and each flagged phrase is listed with why it
// matters and alternatives. The writer can use an alternative (a button that replaces exactly
// those words, only when pressed) or keep their wording with a reason, which goes with the form as
// a hidden input named "languageOverride" (JSON). Nothing here ever blocks saving: without this
// script, or if the check fails, the form saves as usual and the server still records the flags.

const DEBOUNCE_MS = 400;
const ENDPOINT = "/api/v1/language/check";
const MAX_CHARS = 100000;

let instances = 0;

const norm = (s) =>
  String(s)
    .normalize("NFKC")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
const keyOf = (f) => `${f.entryId || ""}|${norm(f.phrase)}`;
const quoted = (s) => `\u201c${s}\u201d`;
const count = (n, one, many) => `${n === 0 ? "No" : n} ${n === 1 ? one : many}`;

/** Builds an element: h("p", { class: "x" }, "text", child…). Text is always set as text, never HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const hidden = (text) => h("span", { class: "govuk-visually-hidden" }, text);

function csrfToken(textarea) {
  const own = textarea.form?.querySelector('input[name="_csrf"]');
  if (own?.value) return own.value;
  const any = document.querySelector('input[name="_csrf"]');
  return any ? any.value : "";
}

class LanguageHints {
  constructor(textarea) {
    this.ta = textarea;
    this.form = textarea.form;
    this.field = textarea.name || textarea.id || "text";
    this.id = `language-hints-${++instances}`;
    /** key → { phrase, entryId, reason } */
    this.kept = new Map();
    this.flags = [];
    this.notes = [];
    this.checkedText = "";
    this.seq = 0;
    this.timer = null;
    this.controller = null;
    this.keeping = null;
    this.keepError = false;
    this.announce = "";
    this.off = false;
    this.build();
    this.restore();
    textarea.addEventListener("input", () => this.schedule());
    if (this.form) this.form.addEventListener("submit", () => this.commitOpenKeep());
    if (textarea.value.trim()) this.run();
  }

  build() {
    const anchor = this.ta.closest(".govuk-form-group") || this.ta;
    this.root = h("div", { class: "govuk-!-margin-bottom-6", id: this.id, "data-language-hints": "" });
    this.status = h("p", {
      class: "govuk-body-s govuk-!-margin-bottom-2",
      id: `${this.id}-status`,
      role: "status",
      "aria-live": "polite",
      "data-testid": "language-status",
    });
    this.panel = h("section", {
      class: "govuk-inset-text govuk-!-margin-top-0",
      "aria-labelledby": `${this.id}-heading`,
      hidden: true,
      "data-testid": "language-panel",
    });
    this.root.append(this.status, this.panel);
    anchor.after(this.root);
    const described = this.ta.getAttribute("aria-describedby");
    this.ta.setAttribute("aria-describedby", described ? `${described} ${this.status.id}` : this.status.id);
    this.panel.addEventListener("click", (e) => this.onClick(e));
    this.panel.addEventListener("keydown", (e) => this.onKeydown(e));
  }

  /** Decisions already in the form (for example after the server showed an error) are kept. */
  restore() {
    for (const input of this.hiddenInputs()) {
      try {
        const o = JSON.parse(input.value);
        if (o && typeof o.phrase === "string" && typeof o.reason === "string" && o.reason.trim())
          this.kept.set(keyOf(o), { phrase: o.phrase, entryId: o.entryId || "", reason: o.reason.trim() });
      } catch {
        /* not ours */
      }
    }
  }

  hiddenInputs() {
    const scope = this.form || this.root.parentElement;
    return [...scope.querySelectorAll('input[type="hidden"][name="languageOverride"]')].filter(
      (i) => !i.dataset.languageFor || i.dataset.languageFor === this.field,
    );
  }

  /** One hidden input per kept phrase that is still in the text. */
  syncHidden() {
    for (const i of this.hiddenInputs()) i.remove();
    const present = new Set(this.flags.map(keyOf));
    const where = this.form || this.root;
    for (const [key, k] of this.kept) {
      if (!present.has(key)) continue;
      where.append(
        h("input", {
          type: "hidden",
          name: "languageOverride",
          value: JSON.stringify({
            phrase: k.phrase,
            reason: k.reason,
            entryId: k.entryId || undefined,
            field: this.field,
          }),
          dataset: { languageFor: this.field },
        }),
      );
    }
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
  }

  async run() {
    if (this.off) return;
    clearTimeout(this.timer);
    const text = this.ta.value;
    if (!text.trim()) {
      this.flags = [];
      this.notes = [];
      this.checkedText = text;
      this.syncHidden();
      this.render();
      return;
    }
    if (text.length > MAX_CHARS) {
      this.setStatus("This text is too long to check as you type. You can still save it.");
      return;
    }
    const seq = ++this.seq;
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    try {
      const res = await fetch(ENDPOINT, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "x-csrf-token": csrfToken(this.ta),
        },
        body: JSON.stringify({ text }),
        signal: this.controller.signal,
      });
      if (seq !== this.seq) return;
      if (res.status === 401 || res.status === 403) {
        // Not for this user (or signed out): stay out of the way.
        this.off = true;
        this.setStatus("");
        return;
      }
      if (!res.ok) throw new Error(`check failed: ${res.status}`);
      const data = await res.json();
      if (seq !== this.seq || this.ta.value !== text) return;
      this.flags = data.flags || [];
      this.notes = data.notes || [];
      this.checkedText = text;
      if (this.keeping && !this.flags.some((f) => keyOf(f) === this.keeping)) this.keeping = null;
      this.syncHidden();
      this.render();
    } catch (e) {
      if (e && e.name === "AbortError") return;
      if (seq === this.seq)
        this.setStatus("The wording check is not available just now. You can still save.");
    }
  }

  setStatus(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  summary() {
    if (!this.checkedText.trim()) return "";
    const kept = this.flags.filter((f) => this.kept.has(keyOf(f))).length;
    const pending = this.flags.length - kept;
    if (this.flags.length === 0) return "No wording to review.";
    return `${count(pending, "phrase", "phrases")} to review${kept ? `, ${kept} kept with a reason` : ""}.`;
  }

  render() {
    const open = this.panel.querySelector('input[data-role="reason"]');
    if (open && this.keeping && open.closest("li")?.dataset.key === this.keeping)
      this.draftReason = open.value;
    const summary = this.summary();
    this.setStatus(this.announce ? `${this.announce} ${summary}`.trim() : summary);
    this.announce = "";
    this.panel.replaceChildren();
    if (!this.flags.length && !this.notes.length) {
      this.panel.hidden = true;
      return;
    }
    this.panel.hidden = false;
    this.panel.append(
      h(
        "h3",
        { class: "govuk-heading-s govuk-!-margin-bottom-1", id: `${this.id}-heading` },
        "Check your wording",
      ),
    );
    if (this.flags.length)
      this.panel.append(
        h(
          "p",
          { class: "govuk-body-s" },
          "These words can suggest the child is to blame. Use a suggestion, or keep your wording and say why. You can save either way.",
        ),
      );
    const list = h("ol", { class: "govuk-list" });
    this.flags.forEach((f, i) => {
      list.append(this.item(f, i));
    });
    this.panel.append(list);
    for (const n of this.notes)
      this.panel.append(h("p", { class: "govuk-body-s" }, `Not flagged: ${quoted(n.phrase)}. ${n.message}`));
  }

  item(f, i) {
    const key = keyOf(f);
    const kept = this.kept.get(key);
    const base = `${this.id}-${i}`;
    const li = h("li", {
      class: "govuk-!-margin-bottom-6",
      dataset: { key },
      "data-testid": "language-flag",
    });
    li.append(
      h(
        "p",
        { class: "govuk-body govuk-!-margin-bottom-1" },
        h(
          "strong",
          { class: `govuk-tag ${kept ? "govuk-tag--grey" : "govuk-tag--yellow"}` },
          kept ? "Kept" : "To review",
        ),
        " ",
        h("strong", {}, quoted(f.phrase)),
      ),
      h("p", { class: "govuk-body-s govuk-!-margin-bottom-1" }, `${f.categoryLabel || f.category}.`),
      h("p", { class: "govuk-body-s govuk-!-margin-bottom-1" }, h("strong", {}, "Why: "), f.why),
    );
    if (f.alternatives?.length) {
      li.append(
        h(
          "p",
          { class: "govuk-body-s govuk-!-margin-bottom-1" },
          h("strong", {}, "Instead, you could write:"),
        ),
      );
      const alts = h("ul", { class: "govuk-list govuk-!-margin-bottom-2" });
      f.alternatives.forEach((a, j) => {
        alts.append(
          h(
            "li",
            { class: "govuk-!-margin-bottom-1" },
            h("span", { class: "govuk-body-s" }, quoted(a)),
            " ",
            h(
              "button",
              {
                type: "button",
                class: "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-left-1",
                "data-action": "use",
                "data-index": i,
                "data-alt": j,
              },
              "Use this",
              hidden(`: ${quoted(a)} instead of ${quoted(f.phrase)}`),
            ),
          ),
        );
      });
      li.append(alts);
    }
    if (this.keeping === key) {
      li.append(this.keepForm(f, i, base, kept));
    } else if (kept) {
      li.append(
        h(
          "p",
          { class: "govuk-body-s govuk-!-margin-bottom-1", "data-testid": "language-kept" },
          h("strong", {}, "You kept this wording. Your reason: "),
          kept.reason,
        ),
        h(
          "button",
          {
            type: "button",
            class: "govuk-button govuk-button--secondary",
            "data-action": "keep",
            "data-index": i,
          },
          "Change the reason",
          hidden(` for keeping ${quoted(f.phrase)}`),
        ),
      );
    } else {
      li.append(
        h(
          "button",
          {
            type: "button",
            class: "govuk-button govuk-button--secondary",
            "data-action": "keep",
            "data-index": i,
          },
          "Keep my wording",
          hidden(`: ${quoted(f.phrase)}`),
        ),
      );
    }
    return li;
  }

  keepForm(f, i, base, kept) {
    const inputId = `${base}-reason`;
    const hintId = `${inputId}-hint`;
    const errorId = `${inputId}-error`;
    const group = h("div", {
      class: `govuk-form-group govuk-!-margin-bottom-2${this.keepError ? " govuk-form-group--error" : ""}`,
    });
    group.append(
      h(
        "label",
        { class: "govuk-label govuk-label--s", for: inputId, id: `${inputId}-label` },
        `Why are you keeping ${quoted(f.phrase)}?`,
      ),
      h(
        "div",
        { class: "govuk-hint", id: hintId },
        "For example: these are the child's own words, or it is a quotation from another record. Your reason is saved with the record.",
      ),
    );
    if (this.keepError)
      group.append(
        h(
          "p",
          { class: "govuk-error-message", id: errorId },
          hidden("Error: "),
          "Enter a reason for keeping this wording",
        ),
      );
    const input = h("input", {
      class: `govuk-input${this.keepError ? " govuk-input--error" : ""}`,
      id: inputId,
      type: "text",
      autocomplete: "off",
      "aria-describedby": this.keepError ? `${hintId} ${errorId}` : hintId,
      "data-role": "reason",
      "data-index": i,
    });
    input.value = this.draftReason ?? (kept ? kept.reason : "");
    group.append(
      input,
      h(
        "div",
        { class: "govuk-button-group govuk-!-margin-top-2 govuk-!-margin-bottom-0" },
        h(
          "button",
          {
            type: "button",
            class: "govuk-button govuk-button--secondary",
            "data-action": "confirm-keep",
            "data-index": i,
          },
          "Keep wording",
        ),
        h(
          "button",
          {
            type: "button",
            class: "govuk-button govuk-button--secondary",
            "data-action": "cancel-keep",
            "data-index": i,
          },
          "Cancel",
        ),
      ),
    );
    return group;
  }

  focusIn(key, selector) {
    const li = [...this.panel.querySelectorAll("li[data-key]")].find((x) => x.dataset.key === key);
    const target = li?.querySelector(selector);
    if (target) target.focus();
  }

  onKeydown(e) {
    const t = e.target;
    if (!(t instanceof HTMLElement) || t.dataset.role !== "reason") return;
    if (e.key === "Enter") {
      e.preventDefault(); // never submit the record's form from here
      this.confirmKeep(Number(t.dataset.index));
    } else if (e.key === "Escape") {
      e.preventDefault();
      this.cancelKeep(Number(t.dataset.index));
    }
  }

  onClick(e) {
    const btn = e.target instanceof Element ? e.target.closest("button[data-action]") : null;
    if (!btn) return;
    const i = Number(btn.dataset.index);
    const f = this.flags[i];
    if (!f) return;
    switch (btn.dataset.action) {
      case "use":
        this.useAlternative(f, f.alternatives[Number(btn.dataset.alt)]);
        break;
      case "keep":
        this.keeping = keyOf(f);
        this.keepError = false;
        this.draftReason = undefined;
        this.render();
        this.focusIn(this.keeping, 'input[data-role="reason"]');
        break;
      case "confirm-keep":
        this.confirmKeep(i);
        break;
      case "cancel-keep":
        this.cancelKeep(i);
        break;
    }
  }

  confirmKeep(i) {
    const f = this.flags[i];
    if (!f) return;
    const key = keyOf(f);
    const input = this.panel.querySelector(`input[data-role="reason"][data-index="${i}"]`);
    const reason = input ? input.value.trim() : "";
    if (!reason) {
      this.keepError = true;
      this.draftReason = "";
      this.render();
      this.focusIn(key, 'input[data-role="reason"]');
      return;
    }
    this.kept.set(key, { phrase: f.phrase, entryId: f.entryId, reason: reason.slice(0, 1000) });
    this.keeping = null;
    this.keepError = false;
    this.draftReason = undefined;
    this.syncHidden();
    this.announce = `Kept ${quoted(f.phrase)} with your reason.`;
    this.render();
    this.focusIn(key, 'button[data-action="keep"]');
  }

  cancelKeep(i) {
    const f = this.flags[i];
    this.keeping = null;
    this.keepError = false;
    this.draftReason = undefined;
    this.render();
    if (f) this.focusIn(keyOf(f), 'button[data-action="keep"]');
  }

  /** A reason typed but not confirmed when the form is sent still counts. */
  commitOpenKeep() {
    if (!this.keeping) return;
    const input = this.panel.querySelector('input[data-role="reason"]');
    const i = input ? Number(input.dataset.index) : -1;
    const f = this.flags[i];
    if (f && input.value.trim()) {
      this.kept.set(keyOf(f), {
        phrase: f.phrase,
        entryId: f.entryId,
        reason: input.value.trim().slice(0, 1000),
      });
      this.syncHidden();
    }
  }

  /** Replaces exactly the flagged words with the chosen alternative (only ever on the writer's click). */
  useAlternative(f, alt) {
    if (typeof alt !== "string") return;
    const value = this.ta.value;
    let start = f.start;
    let end = f.end;
    if (value.slice(start, end) !== f.phrase) {
      // The text changed since the check: use the nearest place the same words still appear.
      let best = -1;
      for (let at = value.indexOf(f.phrase); at !== -1; at = value.indexOf(f.phrase, at + 1))
        if (best === -1 || Math.abs(at - f.start) < Math.abs(best - f.start)) best = at;
      if (best === -1) {
        this.announce = "The text has changed since it was checked, so nothing was replaced.";
        this.run();
        return;
      }
      start = best;
      end = best + f.phrase.length;
    }
    this.ta.focus();
    this.ta.setRangeText(alt, start, end, "select");
    this.announce = `Replaced ${quoted(f.phrase)} with ${quoted(alt)}.`;
    this.run();
  }
}

function start() {
  for (const ta of document.querySelectorAll("textarea[data-language-check]")) {
    if (ta.dataset.languageCheck === "false" || ta.dataset.languageHints) continue;
    ta.dataset.languageHints = "on";
    new LanguageHints(ta);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
