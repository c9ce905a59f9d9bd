// The link chart island (progressive enhancement): the server renders the filters, the path form,
// the export link and an accessible table view; this module draws the same data with Cytoscape.js
// and adds expanding, filtering in place (with a time slider), path highlighting, pins and notes,
// and PNG export. It also makes tables with aria-sort headers sortable. No inline script or style:
// styles come from /static/linkchart.css; Cytoscape.js is served from the installed package.

const PALETTE = [
  "#1d70b8",
  "#00703c",
  "#d4351c",
  "#6f72af",
  "#b58840",
  "#28a197",
  "#912b88",
  "#85994b",
  "#f499be",
  "#5694ca",
  "#4c2c92",
  "#f47738",
];
const SHAPES = {
  child: "round-rectangle",
  person: "ellipse",
  location: "diamond",
  vehicle: "round-triangle",
  phone: "round-tag",
  online_account: "hexagon",
  organisation: "barrel",
};
const TYPE_LABELS = {
  child: "Child",
  person: "Person of concern",
  location: "Place",
  vehicle: "Vehicle",
  phone: "Phone",
  online_account: "Online account",
  organisation: "Organisation or business",
};

// ---------- sortable tables (every page that loads this module) ----------
function sortableTables() {
  for (const table of document.querySelectorAll("table.lantern-sortable")) {
    const heads = [...table.querySelectorAll("thead th")];
    heads.forEach((th, col) => {
      if (!th.hasAttribute("aria-sort")) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lantern-sort";
      button.textContent = th.textContent.trim();
      th.textContent = "";
      th.append(button);
      button.addEventListener("click", () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        for (const h of heads) if (h.hasAttribute("aria-sort")) h.setAttribute("aria-sort", "none");
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = [...body.rows];
        const key = (row) => {
          const cell = row.cells[col];
          const v = cell?.dataset.sortValue ?? cell?.textContent.trim() ?? "";
          const n = Number(v.replace(/,/g, ""));
          return v !== "" && Number.isFinite(n) ? n : v.toLowerCase();
        };
        rows.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const c =
            typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return ascending ? c : -c;
        });
        body.append(...rows);
      });
    });
  }
}
sortableTables();

// ---------- the chart ----------
const root = document.getElementById("chart");
if (root) start(root).catch((e) => showProblem(e));

function showProblem(e) {
  const p = document.getElementById("chart-nojs");
  if (p) {
    p.hidden = false;
    p.textContent = `The chart could not be drawn (${e?.message ?? e}). The table view shows the same data.`;
  }
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

const longDate = (iso) => {
  if (!iso) return "";
  const d = new Date(`${iso}T00:00:00Z`);
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
};

async function start(container) {
  const { default: cytoscape } = await import("/vendor/cytoscape.mjs");
  const base = container.dataset.base;
  const csrf = container.dataset.csrf;
  const apiBase = container.dataset.api.split("?")[0];
  let params = new URLSearchParams(container.dataset.api.split("?")[1] ?? "");
  let data = null;
  let cy = null;
  let selected = null;
  let initialRange = null;

  const nojs = document.getElementById("chart-nojs");
  if (nojs) nojs.hidden = true;
  for (const id of ["chart-legend", "node-panel", "export-png-wrap", "time-slider-wrap"]) {
    const e = document.getElementById(id);
    if (e) e.hidden = false;
  }
  const summary = document.getElementById("chart-summary");
  const callout = document.getElementById("broker-callout");
  const detail = document.getElementById("node-detail");
  const chooser = document.getElementById("node-choose");

  async function load() {
    container.setAttribute("aria-busy", "true");
    const r = await fetch(`${apiBase}?${params}`, { headers: { accept: "application/json" } });
    container.removeAttribute("aria-busy");
    if (!r.ok) {
      const body = await r.json().catch(() => ({}));
      throw new Error(body?.error?.message ?? `HTTP ${r.status}`);
    }
    data = await r.json();
    initialRange ??= data.dateRange;
    draw();
    syncPage();
  }

  function draw() {
    const maxBc = Math.max(1e-9, ...data.nodes.map((n) => n.betweenness));
    const elements = [
      ...data.nodes.map((n) => ({
        group: "nodes",
        data: {
          id: n.id,
          label: n.label,
          color: n.restricted ? "#b1b4b6" : (PALETTE[n.community] ?? "#505a5f"),
          size: Math.round(22 + 46 * Math.sqrt(n.betweenness / maxBc)),
          shape: n.restricted ? "rectangle" : (SHAPES[n.type] ?? "ellipse"),
        },
        classes: [
          n.broker ? "broker" : "",
          n.restricted ? "restricted" : "",
          n.pin ? "pinned" : "",
          data.centre.includes(n.id) ? "centre" : "",
        ]
          .filter(Boolean)
          .join(" "),
        position: n.pin && n.pin.x !== null && n.pin.y !== null ? { x: n.pin.x, y: n.pin.y } : undefined,
      })),
      ...data.edges.map((e) => ({
        group: "edges",
        data: { id: `e-${e.id}`, source: e.source, target: e.target, label: e.typeLabel },
        classes: e.derived ? "derived" : "",
      })),
    ];
    if (cy) cy.destroy();
    cy = cytoscape({
      container,
      elements,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(color)",
            shape: "data(shape)",
            width: "data(size)",
            height: "data(size)",
            label: "data(label)",
            "font-size": 10,
            "text-wrap": "ellipsis",
            "text-max-width": 120,
            "text-valign": "bottom",
            "text-margin-y": 3,
            color: "#0b0c0c",
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.8,
            "text-background-padding": 1,
            "border-width": 1,
            "border-color": "#0b0c0c",
          },
        },
        { selector: "node.centre", style: { "border-width": 3, "border-color": "#0b0c0c" } },
        {
          selector: "node.broker",
          style: { "border-width": 7, "border-color": "#f47738", "border-style": "double" },
        },
        { selector: "node.restricted", style: { "border-style": "dashed" } },
        {
          selector: "node.pinned",
          style: { "outline-width": 2, "outline-color": "#4c2c92", "outline-offset": 3 },
        },
        {
          selector: "node:selected",
          style: { "overlay-color": "#ffdd00", "overlay-opacity": 0.5, "overlay-padding": 6 },
        },
        {
          selector: "edge",
          style: { width: 1.5, "line-color": "#505a5f", "curve-style": "bezier", opacity: 0.8 },
        },
        { selector: "edge.derived", style: { "line-style": "dashed", "line-color": "#1d70b8" } },
        {
          selector: ".path",
          style: {
            "line-color": "#d4351c",
            width: 4,
            opacity: 1,
            "overlay-color": "#d4351c",
            "overlay-opacity": 0.15,
          },
        },
        { selector: ".faded", style: { opacity: 0.25 } },
      ],
      layout: {
        name: "cose",
        animate: false,
        randomize: true,
        nodeRepulsion: () => 9000,
        idealEdgeLength: () => 70,
        numIter: 1500,
        fit: true,
        padding: 24,
      },
    });
    cy.nodes(".pinned").lock();
    cy.on("tap", "node", (evt) => select(evt.target.id()));
    cy.on("dragfree", "node.pinned", (evt) => savePin(evt.target.id(), { move: true }));
    container.dataset.ready = "true";
    container.dataset.brokers = data.brokers.join(",");
    const brokers = data.nodes.filter((n) => n.broker);
    if (callout)
      callout.textContent = brokers.length
        ? `Broker highlighted (orange ring): ${brokers.map((b) => b.label).join("; ")}.`
        : "No broker on this chart: no entity bridges two communities.";
    if (chooser) {
      chooser.replaceChildren(el("option", { value: "", text: "Choose an entity" }));
      for (const n of data.nodes) chooser.append(el("option", { value: n.id, text: n.label }));
    }
    if (selected && cy.getElementById(selected).nonempty()) select(selected);
    else if (detail) detail.replaceChildren();
  }

  function nodeById(id) {
    return data.nodes.find((n) => n.id === id);
  }

  function select(id) {
    selected = id;
    const n = nodeById(id);
    if (!n || !detail) return;
    cy.$(":selected").unselect();
    cy.getElementById(id).select();
    if (chooser) chooser.value = id;
    const links = data.edges.filter((e) => e.source === id || e.target === id);
    const list = el("ul", { class: "govuk-list govuk-body-s" });
    for (const e of links) {
      const other = nodeById(e.source === id ? e.target : e.source);
      const dates = `${e.from ? longDate(e.from) : "?"} to ${e.to ? longDate(e.to) : "now"}`;
      list.append(
        el(
          "li",
          {},
          `${e.typeLabel} ${other ? other.label : ""} (${dates}; ${e.grading ?? "not graded"}; ${e.sourceAgency})`,
          e.derived && e.explanation ? el("br") : null,
          e.derived && e.explanation
            ? el("span", { class: "govuk-hint", text: `Derived: ${e.explanation}` })
            : null,
        ),
      );
    }
    const tags = el("p", { class: "govuk-body" });
    if (n.broker) tags.append(el("strong", { class: "govuk-tag govuk-tag--orange", text: "Broker" }), " ");
    if (n.restricted)
      tags.append(el("strong", { class: "govuk-tag govuk-tag--grey", text: "Signpost only" }), " ");
    if (n.rso)
      tags.append(el("strong", { class: "govuk-tag govuk-tag--red", text: "Registered sex offender" }), " ");
    if (n.disruptions)
      tags.append(
        el("strong", {
          class: "govuk-tag govuk-tag--purple",
          text: `${n.disruptions} disruption${n.disruptions > 1 ? "s" : ""}`,
        }),
      );
    const actions = el("div", { class: "govuk-button-group" });
    const expanded = (params.get("expand") ?? "").split(",").includes(n.id) || data.centre.includes(n.id);
    if (n.expandable && !expanded) {
      const b = el("button", {
        type: "button",
        class: "govuk-button govuk-button--secondary",
        "data-testid": "expand-node",
        text: "Expand",
      });
      b.addEventListener("click", () => expand(n.id));
      actions.append(b);
    }
    if (!n.restricted) {
      const centreParams = new URLSearchParams(params);
      centreParams.set("centre", n.id);
      centreParams.delete("expand");
      actions.append(el("a", { class: "govuk-link", href: `/network?${centreParams}`, text: "Centre here" }));
    }
    actions.append(
      el("a", {
        class: "govuk-link",
        href: n.url,
        text: n.restricted ? "Signpost: whom to contact" : "Open record",
      }),
    );
    if (n.kind !== "child")
      actions.append(
        el("a", {
          class: "govuk-link",
          href: `/disruptions/new?subject=${encodeURIComponent(n.id)}&return=${encodeURIComponent(location.pathname + location.search)}`,
          text: "Record disruption",
        }),
      );
    const noteId = "node-note";
    const note = el("textarea", { class: "govuk-textarea", id: noteId, rows: 2 });
    note.value = n.pin?.note ?? "";
    const pinButton = el("button", {
      type: "button",
      class: "govuk-button govuk-button--secondary",
      text: n.pin ? "Save note" : "Pin and save note",
    });
    pinButton.addEventListener("click", () => savePin(n.id, { note: note.value }));
    const unpin = n.pin
      ? el("button", { type: "button", class: "govuk-button govuk-button--warning", text: "Unpin" })
      : null;
    unpin?.addEventListener("click", () => removePin(n.id));
    const parts = [
      el("h3", { class: "govuk-heading-s", text: n.label }),
      el(
        "p",
        { class: "govuk-body-s" },
        `${TYPE_LABELS[n.type] ?? n.type}${n.subtype && !n.restricted ? ` (${n.subtype.replaceAll("_", " ")})` : ""} · ${n.degree} links · betweenness ${n.betweenness} · community ${n.community + 1}${n.distance !== null ? ` · ${n.distance} from the centre` : ""}`,
      ),
      tags,
      n.restricted
        ? el("p", {
            class: "govuk-body-s",
            text: "You have no relationship with this child: only their reference is shown, and their other links are not. The signpost shows which agencies are involved.",
          })
        : null,
      n.truncated
        ? el("p", {
            class: "govuk-body-s",
            text: "This entity has more links than the chart shows. Filter by link type or date to see the rest.",
          })
        : null,
      actions,
      el("h4", { class: "govuk-heading-s", text: "Links" }),
      list,
      el(
        "div",
        { class: "govuk-form-group" },
        el("label", { class: "govuk-label", for: noteId, text: "Your note (only you see it)" }),
        note,
      ),
      el("div", { class: "govuk-button-group" }, pinButton, unpin),
    ];
    detail.replaceChildren(...parts.filter((p) => p !== null && p !== undefined));
  }

  async function savePin(id, { note, move } = {}) {
    const n = nodeById(id);
    const node = cy.getElementById(id);
    const pos = node.position();
    const body = { node: id, note: move ? (n.pin?.note ?? null) : note || null, x: pos.x, y: pos.y };
    const r = await fetch("/api/v1/network/pins", {
      method: "PUT",
      headers: { "content-type": "application/json", "x-csrf-token": csrf, accept: "application/json" },
      body: JSON.stringify(body),
    });
    if (!r.ok) return say(`The pin was not saved (HTTP ${r.status}).`);
    n.pin = { note: body.note, x: body.x, y: body.y };
    node.addClass("pinned").lock();
    if (!move) {
      say(`Pinned ${n.label}${body.note ? " with your note" : ""}.`);
      select(id);
    }
  }

  async function removePin(id) {
    const n = nodeById(id);
    const r = await fetch(`/api/v1/network/pins?node=${encodeURIComponent(id)}`, {
      method: "DELETE",
      headers: { "x-csrf-token": csrf, accept: "application/json" },
    });
    if (!r.ok) return say(`The pin was not removed (HTTP ${r.status}).`);
    n.pin = null;
    cy.getElementById(id).removeClass("pinned").unlock();
    say(`Unpinned ${n.label}.`);
    select(id);
  }

  function say(text) {
    if (callout) callout.textContent = text;
  }

  async function expand(id) {
    const list = (params.get("expand") ?? "").split(",").filter(Boolean);
    if (!list.includes(id)) list.push(id);
    params.set("expand", list.join(","));
    await load();
    say(`Expanded ${nodeById(id)?.label ?? "the entity"}: ${data.nodes.length} entities now shown.`);
  }

  /** Keeps the address, the table-view link, the export link and the hidden fields in step. */
  function syncPage() {
    const search = params.toString();
    const url = `${base}?${search}`;
    history.replaceState(null, "", url);
    const table = document.querySelector('a[data-view="table"]');
    if (table) {
      const t = new URLSearchParams(params);
      t.set("view", "table");
      table.href = `${base}?${t}`;
    }
    const chartLink = document.querySelector('a[data-view="chart"]');
    if (chartLink) chartLink.href = url;
    const exp = document.getElementById("export-excel");
    if (exp) {
      const e = new URLSearchParams(params);
      if (base.startsWith("/children/")) e.set("centre", container.dataset.centre);
      exp.href = `/network/export?${e}`;
    }
    const expandField = document.getElementById("expand-field");
    if (expandField) expandField.value = params.get("expand") ?? "";
    const back = document.querySelector('#path-form input[name="back"]');
    if (back) back.value = url;
    if (summary) {
      const from = params.get("from");
      const to = params.get("to");
      const when =
        from || to
          ? `, active ${from ? `from ${longDate(from)}` : ""}${to ? ` to ${longDate(to)}` : ""}`
          : "";
      summary.textContent = `${data.nodes.length} ${data.nodes.length === 1 ? "entity" : "entities"} and ${data.edges.length} ${data.edges.length === 1 ? "link" : "links"}${when}; ${data.communities} ${data.communities === 1 ? "community" : "communities"}.`;
    }
    container.setAttribute(
      "aria-label",
      `Link chart: ${data.nodes.length} entities and ${data.edges.length} links. The table view shows the same data.`,
    );
    const box = document.getElementById("brokers");
    if (box) {
      const brokers = data.nodes.filter((n) => n.broker);
      if (brokers.length) {
        const ul = el("ul", { class: "govuk-list govuk-!-margin-bottom-0" });
        for (const b of brokers)
          ul.append(
            el(
              "li",
              {},
              el("strong", { class: "govuk-tag govuk-tag--orange", text: "Broker" }),
              " ",
              el("a", { class: "govuk-link", href: b.url, text: b.label }),
              ` (betweenness ${b.betweenness}, ${b.degree} links)`,
            ),
          );
        box.replaceChildren(
          el(
            "p",
            { class: "govuk-body govuk-!-margin-bottom-1" },
            el("strong", { text: "Brokers" }),
            ": the entities with the highest betweenness that bridge communities. Disrupting them splits the network.",
          ),
          ul,
        );
      } else
        box.replaceChildren(
          el("p", {
            class: "govuk-body govuk-!-margin-bottom-0",
            text: "No broker: no entity here bridges two communities.",
          }),
        );
    }
    for (const a of document.querySelectorAll('a[href^="/disruptions/new"]')) {
      const u = new URL(a.href, location.origin);
      u.searchParams.set("return", url);
      a.href = `${u.pathname}${u.search}`;
    }
    for (const select of ["path-from", "path-to"].map((i) => document.getElementById(i))) {
      if (!select) continue;
      const keep = select.value;
      select.replaceChildren(el("option", { value: "", text: "Choose" }));
      for (const n of data.nodes)
        if (!n.restricted) select.append(el("option", { value: n.id, text: n.label }));
      select.value = keep;
    }
  }

  // Filters: applied in place.
  const filters = document.getElementById("chart-filters");
  filters?.addEventListener("submit", async (evt) => {
    evt.preventDefault();
    const f = new FormData(filters);
    const next = new URLSearchParams();
    const keepCentre = params.get("centre");
    if (keepCentre) next.set("centre", keepCentre);
    next.set("radius", String(f.get("radius") ?? "2"));
    if (f.get("expand")) next.set("expand", String(f.get("expand")));
    for (const k of ["from", "to"]) if (String(f.get(k) ?? "").trim()) next.set(k, String(f.get(k)).trim());
    const types = f.getAll("types").map(String);
    if (types.length) next.set("types", types.join(","));
    const links = f.getAll("links").map(String);
    if (links.length) next.set("links", links.join(","));
    const derived = String(f.get("derived") ?? "include");
    if (derived !== "include") next.set("derived", derived);
    params = next;
    try {
      await load();
      say(`Filters applied: ${data.nodes.length} entities and ${data.edges.length} links.`);
    } catch (e) {
      say(`The filters could not be applied: ${e.message}`);
    }
  });

  // Time slider: a range input over the dates of the links first shown; moving it sets "From".
  const slider = document.getElementById("time-slider");
  const sliderValue = document.getElementById("time-slider-value");
  const fromInput = document.getElementById("from");
  let timer = null;
  function sliderDate(v) {
    const min = Date.parse(`${initialRange.min}T00:00:00Z`);
    const max = Date.parse(`${initialRange.max}T00:00:00Z`);
    return new Date(min + ((max - min) * Number(v)) / 100).toISOString().slice(0, 10);
  }
  if (slider) {
    slider.addEventListener("input", () => {
      if (!initialRange?.min || !initialRange?.max) return;
      const d = sliderDate(slider.value);
      if (fromInput) fromInput.value = Number(slider.value) === 0 ? "" : d;
      if (sliderValue)
        sliderValue.textContent =
          Number(slider.value) === 0 ? "All dates" : `Links active from ${longDate(d)}`;
      slider.setAttribute("aria-valuetext", sliderValue?.textContent ?? d);
      clearTimeout(timer);
      timer = setTimeout(() => filters?.requestSubmit(), 350);
    });
  }

  // Path finding: highlighted on the chart, listed in words.
  const pathForm = document.getElementById("path-form");
  const pathResult = document.getElementById("path-result");
  pathForm?.addEventListener("submit", async (evt) => {
    evt.preventDefault();
    const f = new FormData(pathForm);
    const from = String(f.get("from") ?? "");
    const to = String(f.get("to") ?? "");
    if (!from || !to) {
      pathResult.textContent = "Choose two entities.";
      return;
    }
    const q = new URLSearchParams({ from, to });
    const r = await fetch(`/api/v1/network/path?${q}`, { headers: { accept: "application/json" } });
    const body = await r.json().catch(() => ({}));
    cy.elements().removeClass("path faded");
    if (!r.ok) {
      pathResult.textContent = body?.error?.message ?? `HTTP ${r.status}`;
      return;
    }
    if (!body.found) {
      pathResult.textContent = "No path joins them in the links you can see.";
      return;
    }
    const ids = new Set(body.nodes.map((n) => n.id));
    cy.elements().addClass("faded");
    for (const n of body.nodes) cy.getElementById(n.id).removeClass("faded").addClass("path");
    cy.edges().forEach((e) => {
      if (
        ids.has(e.source().id()) &&
        ids.has(e.target().id()) &&
        body.edges.some((x) => `e-${x.id}` === e.id())
      )
        e.removeClass("faded").addClass("path");
    });
    const ol = el("ol", { class: "govuk-list govuk-list--number", "data-testid": "path" });
    body.nodes.forEach((n, i) => {
      const next = body.nodes[i + 1];
      const via =
        next &&
        body.edges.find(
          (x) => (x.source === n.id && x.target === next.id) || (x.target === n.id && x.source === next.id),
        );
      ol.append(el("li", {}, n.label, via ? ` — ${via.typeLabel.toLowerCase()} —` : ""));
    });
    pathResult.replaceChildren(
      el("p", { class: "govuk-body", text: `${body.length} ${body.length === 1 ? "link" : "links"} apart:` }),
      ol,
    );
  });

  function placeSlider() {
    if (!slider || !initialRange?.min || !initialRange?.max) return;
    const min = Date.parse(`${initialRange.min}T00:00:00Z`);
    const max = Date.parse(`${initialRange.max}T00:00:00Z`);
    const from = fromInput?.value ? Date.parse(`${fromInput.value}T00:00:00Z`) : Number.NaN;
    const v = Number.isFinite(from) && max > min ? Math.round(((from - min) / (max - min)) * 100) : 0;
    slider.value = String(Math.min(100, Math.max(0, v)));
    if (sliderValue)
      sliderValue.textContent = v > 0 ? `Links active from ${longDate(fromInput.value)}` : "All dates";
  }

  chooser?.addEventListener("change", () => {
    if (chooser.value) select(chooser.value);
  });

  document.getElementById("export-png")?.addEventListener("click", () => {
    const blob = cy.png({ full: true, scale: 2, bg: "#ffffff", output: "blob" });
    const a = el("a", {
      href: URL.createObjectURL(blob),
      download: `lantern-chart-${new Date().toISOString().slice(0, 10)}.png`,
    });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });

  await load();
  placeSlider();
}
