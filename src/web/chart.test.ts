import { describe, expect, it } from "vitest";
import { niceScale, renderLineChart } from "./chart.ts";

describe("SVG line chart", () => {
  it("labels itself for assistive technology, breaks the line at hidden values and marks events", () => {
    const svg = renderLineChart({
      id: "t",
      title: "Flags per 1,000 words <by month>",
      description: "A & B",
      yLabel: "Rate",
      points: [
        { label: "Jan 26", value: 4 },
        { label: "Feb 26", value: 3.5 },
        { label: "Mar 26", value: null },
        { label: "Apr 26", value: 2 },
        { label: "May 26", value: 1.2 },
      ],
      events: [{ x: 2.5, label: "B1", title: "B1: Language matters (2026-03-16)" }],
      legend: "Dashed lines: briefings",
    });
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="t-title t-desc"/);
    expect(svg).toContain('<title id="t-title">Flags per 1,000 words &lt;by month&gt;</title>');
    expect(svg).toContain('<desc id="t-desc">A &amp; B</desc>');
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain(">B1</text>");
    expect(svg).toContain("stroke-dasharray");
    expect(svg).toContain("Dashed lines: briefings");
    expect(svg).not.toContain("style=");
  });

  it("chooses round axis steps", () => {
    expect(niceScale(7.3)).toEqual({ top: 8, step: 2 });
    expect(niceScale(0)).toEqual({ top: 1, step: 0.2 });
    expect(niceScale(42)).toEqual({ top: 50, step: 10 });
  });
});
