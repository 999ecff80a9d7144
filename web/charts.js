// The TWAP page's two charts, drawn with uPlot: fill prices with the average fill price, and the
// cumulative executed size against the even schedule of the TWAP's duration. Floats are used for
// plotting only: the legend shows the API's strings (or says a value is computed).
import { NONE, runningSums } from "./dom.js";

const HEIGHT = 260;
const COLORS = { price: "#0b57d0", average: "#b3261e", executed: "#137333", schedule: "#5f6368" };

const seconds = (iso) => Date.parse(iso) / 1000;

function baseOptions(uPlot, container, xLabel) {
  return {
    width: Math.max(container.clientWidth, 240),
    height: HEIGHT,
    // Axis labels in UTC, as every time the page shows.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    scales: {
      // One point, or points at one instant: a minute either side rather than an empty range.
      x: { time: true, range: (u, min, max) => (min === max ? [min - 60, max + 60] : [min, max]) },
    },
    axes: [
      { label: xLabel, stroke: "#1f1f1f", grid: { stroke: "#e3e3e3" }, space: 80, values: timeLabels },
      { stroke: "#1f1f1f", grid: { stroke: "#e3e3e3" }, size: 80 },
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
}

// 24-hour UTC clock labels, with the date under the first label of each day.
function timeLabels(u, splits) {
  let lastDay = null;
  return splits.map((split) => {
    const iso = new Date(split * 1000).toISOString();
    const day = iso.slice(0, 10);
    const clock = iso.slice(11, 19).replace(/:00$/, "");
    const label = day === lastDay ? clock : `${clock}\n${day}`;
    lastDay = day;
    return label;
  });
}

// The legend's text for point `i`: the API's string for that point.
const exact = (strings) => (u, value, series, i) => (i === null || i === undefined ? NONE : strings[i] ?? NONE);

function mount(uPlot, options, data, container) {
  container.replaceChildren();
  const chart = new uPlot(options, data, container);
  // Follows the container's width: the page is usable from 360 px wide up.
  new ResizeObserver(() => {
    const width = Math.max(container.clientWidth, 240);
    if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
  }).observe(container);
  return chart;
}

export function priceChart(uPlot, container, fills, avgPx) {
  const x = fills.map((f) => seconds(f.time));
  const px = fills.map((f) => Number(f.px));
  const series = [
    { label: "Time", value: exact(fills.map((f) => f.time)) },
    { label: "Fill price", stroke: COLORS.price, width: 2, points: { show: true, size: 7 },
      value: exact(fills.map((f) => f.px)) },
  ];
  const data = [x, px];
  if (avgPx !== null && avgPx !== undefined) {
    series.push({ label: "Average fill price", stroke: COLORS.average, width: 2, dash: [8, 5],
      points: { show: false }, value: () => avgPx });
    data.push(x.map(() => Number(avgPx)));
  }
  return mount(uPlot, { ...baseOptions(uPlot, container, "fill time (UTC)"), series }, data, container);
}

// `start` and `minutes` come from the TWAP's status rows; without them there is no schedule.
export function sizeChart(uPlot, container, fills, { start, minutes, requested }) {
  const sums = runningSums(fills.map((f) => f.sz));
  // Order at one instant: the schedule's start, then fills, then the schedule's end.
  const points = fills.map((f, i) => ({ t: seconds(f.time), order: 1, sum: sums[i], time: f.time }));
  const t0 = start ? seconds(start) : NaN;
  const hasSchedule = Number.isFinite(t0) && Number.isInteger(minutes) && minutes > 0 && requested;
  const tEnd = t0 + minutes * 60;
  if (hasSchedule) points.push({ t: t0, order: 0 }, { t: tEnd, order: 2 });
  points.sort((a, b) => a.t - b.t || a.order - b.order);
  const x = points.map((p) => p.t);
  // At each point, the sum of the fills up to it.
  let last = "0";
  const executed = points.map((p) => (p.order === 1 ? (last = p.sum) : last));
  const when = points.map((p) => (p.order === 1 ? p.time : p.order === 0
    ? `${start} (created)` : `${new Date(p.t * 1000).toISOString()} (schedule end)`));
  const series = [
    { label: "Time", value: exact(when) },
    { label: "Executed (fills)", stroke: COLORS.executed, width: 2, points: { show: true, size: 6 },
      paths: uPlot.paths.stepped({ align: 1 }), value: exact(executed) },
  ];
  const data = [x, executed.map(Number)];
  if (hasSchedule) {
    const requestedFloat = Number(requested);
    const share = (t) => Math.min(Math.max((t - t0) / (tEnd - t0), 0), 1);
    series.push({ label: "Even schedule (computed)", stroke: COLORS.schedule, width: 2, dash: [8, 5],
      points: { show: false },
      value: (u, value) => (value === null || value === undefined ? NONE : `≈ ${value.toPrecision(6)}`) });
    data.push(x.map((t) => requestedFloat * share(t)));
  }
  return mount(uPlot, { ...baseOptions(uPlot, container, "time (UTC)"), series }, data, container);
}
