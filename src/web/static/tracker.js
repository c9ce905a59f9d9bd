// Return-home interview clocks that keep time on an open page (progressive enhancement: the server
// already rendered each clock's state; this only moves a "due" clock on to "due soon" and
// "overdue" when the time passes, and keeps the "due in …" text current).
const clocks = [...document.querySelectorAll("[data-rhi-clock][data-due]")].filter((el) => {
  const s = el.getAttribute("data-state");
  return el.getAttribute("data-due") && (s === "due" || s === "due_soon");
});

const COLOURS = ["govuk-tag--yellow", "govuk-tag--orange", "govuk-tag--red"];

function words(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  if (minutes < 1) return "less than a minute";
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const part = (n, one) => `${n} ${one}${n === 1 ? "" : "s"}`;
  if (d > 0) return h ? `${part(d, "day")} ${part(h, "hour")}` : part(d, "day");
  if (h > 0) return m ? `${part(h, "hour")} ${part(m, "minute")}` : part(h, "hour");
  return part(m, "minute");
}

function tick() {
  const now = Date.now();
  for (const el of clocks) {
    const due = Date.parse(el.getAttribute("data-due") || "");
    if (Number.isNaN(due)) continue;
    const left = due - now;
    const state = left < 0 ? "overdue" : left <= 86400000 ? "due_soon" : "due";
    if (state !== el.getAttribute("data-state")) {
      el.setAttribute("data-state", state);
      el.classList.remove(...COLOURS);
      el.classList.add(
        state === "overdue"
          ? "govuk-tag--red"
          : state === "due_soon"
            ? "govuk-tag--orange"
            : "govuk-tag--yellow",
      );
      el.textContent = state === "overdue" ? "Overdue" : state === "due_soon" ? "Due soon" : "Due";
    }
    const text = el.id ? document.querySelector(`[data-rhi-text="${el.id}"]`) : null;
    if (text) {
      const by = text.getAttribute("data-by") || "";
      text.textContent =
        state === "overdue"
          ? `Overdue by ${words(left)}: the interview should have been offered by ${by}.`
          : `Due in ${words(left)}: offer the interview by ${by}.`;
    }
  }
}

if (clocks.length) {
  tick();
  setInterval(tick, 5000);
}
