// A small server-rendered SVG line chart: one series over months, with events (briefings) as
// labelled vertical lines. Values that are hidden (suppressed) leave a gap. The page always shows
// the same figures as a table too; the SVG has a title and description for assistive technology.

export type ChartPoint = { label: string; value: number | null };
export type ChartEvent = { x: number; label: string; title: string };

export type LineChart = {
  id: string;
  title: string;
  description: string;
  yLabel: string;
  points: ChartPoint[];
  /** x in month units: 0 = start of the first month, points are drawn at i + 0.5 */
  events: ChartEvent[];
  /** one line under the chart explaining its marks in words */
  legend?: string;
  width?: number;
  height?: number;
};

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A "nice" upper bound and step for the y axis. */
export function niceScale(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

const num = (n: number) => (Math.round(n * 10) / 10).toString();

export function renderLineChart(c: LineChart): string {
  const W = c.width ?? 760;
  const H = c.height ?? 320;
  const m = { left: 64, right: 20, top: 28, bottom: 64 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const n = Math.max(c.points.length, 1);
  const values = c.points.map((p) => p.value).filter((v): v is number => v !== null);
  const { top, step } = niceScale(Math.max(0, ...values));
  const x = (u: number) => m.left + (u / n) * iw;
  const y = (v: number) => m.top + ih - (v / top) * ih;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="lantern-chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${c.id}-title ${c.id}-desc" focusable="false" font-family="GDS Transport, arial, sans-serif">`,
    `<title id="${c.id}-title">${esc(c.title)}</title>`,
    `<desc id="${c.id}-desc">${esc(c.description)}</desc>`,
  );
  // y grid and labels
  for (let v = 0; v <= top + 1e-9; v += step) {
    const yy = y(v).toFixed(1);
    out.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${yy}" y2="${yy}" stroke="#b1b4b6" stroke-width="1"/>`,
      `<text x="${m.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" font-size="13" fill="#0b0c0c">${num(v)}</text>`,
    );
  }
  out.push(
    `<text x="16" y="${m.top + ih / 2}" transform="rotate(-90 16 ${m.top + ih / 2})" text-anchor="middle" font-size="13" fill="#0b0c0c">${esc(c.yLabel)}</text>`,
  );
  // x labels: every month when there are few, else every other/third
  const every = n <= 12 ? 1 : n <= 24 ? 2 : 3;
  c.points.forEach((p, i) => {
    if (i % every !== 0) return;
    const xx = x(i + 0.5).toFixed(1);
    out.push(
      `<text x="${xx}" y="${m.top + ih + 20}" text-anchor="middle" font-size="13" fill="#0b0c0c">${esc(p.label)}</text>`,
    );
  });
  out.push(
    `<line x1="${m.left}" x2="${W - m.right}" y1="${m.top + ih}" y2="${m.top + ih}" stroke="#0b0c0c" stroke-width="1"/>`,
  );
  // events: dashed vertical lines, labelled at the top (text, not colour, tells them apart)
  for (const e of c.events) {
    if (e.x < 0 || e.x > n) continue;
    const xx = x(e.x).toFixed(1);
    out.push(
      `<g><title>${esc(e.title)}</title>`,
      `<line x1="${xx}" x2="${xx}" y1="${m.top - 6}" y2="${m.top + ih}" stroke="#505a5f" stroke-width="2" stroke-dasharray="6 4"/>`,
      `<text x="${xx}" y="${m.top - 10}" text-anchor="middle" font-size="13" font-weight="bold" fill="#0b0c0c">${esc(e.label)}</text></g>`,
    );
  }
  // the series: segments between consecutive shown values, a marker at each
  let seg: string[] = [];
  const flush = () => {
    if (seg.length > 1)
      out.push(`<polyline points="${seg.join(" ")}" fill="none" stroke="#1d70b8" stroke-width="3"/>`);
    seg = [];
  };
  c.points.forEach((p, i) => {
    if (p.value === null) {
      flush();
      return;
    }
    seg.push(`${x(i + 0.5).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  flush();
  c.points.forEach((p, i) => {
    if (p.value === null) return;
    out.push(
      `<circle cx="${x(i + 0.5).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="5" fill="#1d70b8" stroke="#ffffff" stroke-width="2"><title>${esc(p.label)}: ${num(p.value)}</title></circle>`,
    );
  });
  if (c.legend)
    out.push(`<text x="${m.left}" y="${H - 12}" font-size="13" fill="#0b0c0c">${esc(c.legend)}</text>`);
  out.push("</svg>");
  return out.join("");
}
