// Imports and record linkage: live progress for work running in the background (the page polls
// the status API and reloads when the status changes; without JavaScript, the Refresh link does
// the same), and sortable tables (headers with aria-sort). Progressive enhancement only.

const box = document.querySelector("[data-import-progress], [data-run-progress]");
if (box) {
  const url = box.getAttribute("data-status-url");
  const started = box.getAttribute("data-status");
  const phase = box.getAttribute("data-phase") ?? "";
  const done = box.querySelector("[data-done]");
  const bar = box.querySelector("progress");
  const tick = async () => {
    try {
      const r = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (r.ok) {
        const j = await r.json();
        if (j.status !== started || (j.phase ?? "") !== phase) {
          window.location.reload();
          return;
        }
        if (j.rows && done) done.textContent = String(j.rows.done);
        if (j.rows && bar) bar.value = j.rows.done;
      }
    } catch {
      // try again at the next tick
    }
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}

function cellValue(row, index) {
  const cell = row.children[index];
  if (!cell) return "";
  return cell.getAttribute("data-sort-value") ?? cell.textContent.trim();
}

for (const table of document.querySelectorAll("table.lantern-sortable")) {
  const headers = [...table.querySelectorAll("thead th")];
  headers.forEach((th, index) => {
    if (!th.hasAttribute("aria-sort")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "lantern-sort-button";
    button.textContent = th.textContent.trim();
    th.textContent = "";
    th.append(button);
    button.addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      for (const h of headers) if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none");
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const body = table.tBodies[0];
      const rows = [...body.rows];
      const numeric = rows.every(
        (r) => cellValue(r, index) === "" || !Number.isNaN(Number(cellValue(r, index))),
      );
      rows.sort((a, b) => {
        const x = cellValue(a, index);
        const y = cellValue(b, index);
        const c = numeric ? Number(x) - Number(y) : x.localeCompare(y, "en-GB");
        return ascending ? c : -c;
      });
      for (const r of rows) body.append(r);
    });
  });
}
