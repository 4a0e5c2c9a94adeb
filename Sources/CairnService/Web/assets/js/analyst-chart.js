// Submissions over time as a plain SVG bar chart: one bar per hour or day, empty ones included.

import { svg } from "./analyst-ui.js";

const hour = 3600_000;
const day = 24 * hour;
/** At most this many bars: the latest ones. */
const maximumBars = { hour: 72, day: 90 };

/** Every bucket from the first with submissions to the last, the empty ones as 0. */
export function buckets(overTime, bucket) {
  const step = bucket === "day" ? day : hour;
  const known = new Map(overTime.map((entry) => [Date.parse(entry.start), entry.submissions]));
  if (known.size === 0) return [];
  const times = [...known.keys()].sort((a, b) => a - b);
  const last = times[times.length - 1];
  const first = Math.max(times[0], last - (maximumBars[bucket] - 1) * step);
  const bars = [];
  for (let time = first; time <= last; time += step) bars.push({ start: time, submissions: known.get(time) ?? 0 });
  return bars;
}

function label(time, bucket) {
  const date = new Date(time);
  return bucket === "day"
    ? date.toLocaleDateString(undefined, { day: "numeric", month: "short" })
    : date.toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

/** Draws the chart into `chart` (an `svg` element), replacing what it showed. */
export function drawChart(chart, overTime, bucket) {
  const bars = buckets(overTime, bucket);
  const width = 720, height = 220, left = 44, right = 12, top = 12, bottom = 34;
  chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
  chart.setAttribute("role", "img");
  const unit = bucket === "day" ? "day" : "hour";
  if (bars.length === 0) {
    chart.setAttribute("aria-label", "No submissions yet.");
    chart.replaceChildren(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "chart-empty" }, "No submissions yet"));
    return;
  }
  const highest = Math.max(1, ...bars.map((bar) => bar.submissions));
  const total = bars.reduce((sum, bar) => sum + bar.submissions, 0);
  const busiest = bars.reduce((best, bar) => (bar.submissions > best.submissions ? bar : best), bars[0]);
  chart.setAttribute("aria-label",
    `Submissions per ${unit}: ${total} from ${label(bars[0].start, bucket)} to ${label(bars[bars.length - 1].start, bucket)}; `
    + `at most ${busiest.submissions}, in the ${unit} from ${label(busiest.start, bucket)}.`);

  const plotWidth = width - left - right, plotHeight = height - top - bottom;
  // A few bars stay bar-shaped instead of filling the whole width.
  const slot = Math.min(plotWidth / bars.length, 48);
  const gap = Math.min(4, slot * 0.2);
  const y = (value) => top + plotHeight - (value / highest) * plotHeight;
  const children = [
    svg("line", { x1: left, y1: top + plotHeight, x2: width - right, y2: top + plotHeight, class: "chart-axis" }),
    svg("text", { x: left - 6, y: top + 4, "text-anchor": "end", class: "chart-label" }, String(highest)),
    svg("text", { x: left - 6, y: top + plotHeight, "text-anchor": "end", class: "chart-label" }, "0"),
    svg("text", { x: left, y: height - 10, class: "chart-label" }, label(bars[0].start, bucket)),
  ];
  if (bars.length > 1) {
    children.push(svg("text", { x: width - right, y: height - 10, "text-anchor": "end", class: "chart-label" },
      label(bars[bars.length - 1].start, bucket)));
  }
  bars.forEach((bar, index) => {
    const top_ = y(bar.submissions);
    children.push(svg("rect", {
      x: left + index * slot + gap / 2, y: top_, width: Math.max(1, slot - gap), height: top + plotHeight - top_,
      class: "chart-bar",
    }, svg("title", {}, `${label(bar.start, bucket)}: ${bar.submissions} submission${bar.submissions === 1 ? "" : "s"}`)));
  });
  chart.replaceChildren(...children);
}
