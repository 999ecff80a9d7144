// The TWAP view (/twap/{twap_id}): its facts and status timeline from GET /api/v1/twaps/{id},
// its fills (every page of GET /api/v1/twaps/{id}/fills) as two charts and a table.
import { ApiError, getAllFills, getJson, pageUrl } from "./api.js";
import { priceChart, sizeChart } from "./charts.js";
import { $, NONE, duration, el, fees, fillRows, runningSums, setError, setMessage, show, sideName, time } from "./dom.js";

function facts(list) {
  return list.flatMap(([term, value]) => [el("dt", { text: term }), el("dd", {}, value ?? NONE)]);
}

function matchText(value) {
  if (value === true) return "yes";
  if (value === false) return "no: fills are missing or extra";
  return `${NONE} (not terminal)`;
}

function renderRows(id, rows, summary) {
  const latest = rows[rows.length - 1];
  const created = latest.created_at || rows[0].ts;
  // Back to the wallet's list, over the days this TWAP spans.
  $("#back-link").href = pageUrl("", {
    wallet: latest.wallet,
    start: created.slice(0, 10),
    end: latest.ts.slice(0, 10),
  });
  $("#back-link").textContent = `TWAPs of ${latest.wallet}`;
  $("#twap-title").textContent = `TWAP ${id}: ${sideName(latest.side)} ${show(latest.asset)}`;

  const list = [
    ["Wallet", latest.wallet],
    ["Asset", show(latest.asset)],
    ["Side", sideName(latest.side)],
    ["Status", show(latest.status)],
    ["Requested size", show(latest.size_requested)],
    ["Executed size", show(latest.executed && latest.executed.size)],
    ["Executed notional", show(latest.executed && latest.executed.notional)],
    ["Duration", duration(latest.duration_minutes)],
    ["Created", time(latest.created_at)],
    ["Last status change", time(latest.ts)],
  ];
  if (summary) {
    list.push(
      ["Fills", String(summary.count)],
      ["Filled size", summary.size],
      ["Filled notional", summary.notional],
      ["Average fill price", show(summary.avg_px)],
      ["Fees", fees(summary)],
      ["Closed PnL", show(summary.closed_pnl)],
      ["First fill", time(summary.first_fill_ts)],
      ["Last fill", time(summary.last_fill_ts)],
      ["Fills match the executed size", matchText(summary.size_matches_executed)],
    );
  } else {
    list.push(["Fills", "none stored"]);
  }
  $("#twap-facts").replaceChildren(...facts(list));

  $("#timeline").replaceChildren(
    ...rows.map((r) =>
      el("li", {},
        time(r.ts), " ",
        el("strong", { class: "status", text: show(r.status) }),
        `: executed ${show(r.executed && r.executed.size)} of ${show(r.size_requested)}`,
        `, notional ${show(r.executed && r.executed.notional)}`,
      ),
    ),
  );
}

function renderFills(fills, complete, summary, latest) {
  const message = $("#fills-message");
  if (fills.length === 0) {
    setMessage(message, "No fill of this TWAP is stored.");
    return;
  }
  const sums = runningSums(fills.map((f) => f.sz));
  fillRows($("#fills"), fills.map((f, i) => ({
    cells: [
      time(f.time),
      sideName(f.side),
      show(f.dir),
      f.px,
      f.sz,
      show(sums[i]),
      f.fee === null ? NONE : `${f.fee} ${show(f.fee_token)}`,
      show(f.closed_pnl),
      f.crossed === true ? "taker" : f.crossed === false ? "maker" : NONE,
      f.tid,
    ],
  })));
  $("#fills").hidden = false;
  setMessage(message, complete
    ? `${fills.length} fills.`
    : `The first ${fills.length} fills; more are stored than this page loads.`);

  const uPlot = window.uPlot;
  $("#charts").hidden = false;
  priceChart(uPlot, $("#price-chart"), fills, summary ? summary.avg_px : null);
  sizeChart(uPlot, $("#size-chart"), fills, {
    start: latest ? latest.created_at : null,
    minutes: latest ? latest.duration_minutes : null,
    requested: latest ? latest.size_requested : null,
  });

  const byPrice = [...fills].sort((a, b) => Number(a.px) - Number(b.px));
  $("#price-summary").textContent =
    `${fills.length} fills from ${fills[0].time} to ${fills[fills.length - 1].time}, at prices from ` +
    `${byPrice[0].px} to ${byPrice[byPrice.length - 1].px}` +
    (summary && summary.avg_px ? `; average ${summary.avg_px}.` : ".");
  $("#size-summary").textContent = latest
    ? `Executed ${sums[sums.length - 1]} by fills of ${show(latest.size_requested)} requested over ` +
      `${duration(latest.duration_minutes)} from ${show(latest.created_at)}.`
    : `Executed ${sums[sums.length - 1]} by fills; without a status row there is no schedule.`;
}

export async function showTwap(id, search) {
  const view = $("#twap-view");
  const body = $("#twap-body");
  view.hidden = false;
  $("#twap-title").textContent = `TWAP ${id}`;
  document.title = `TWAP ${id} · hyperliquid-twap explorer`;
  setMessage($("#twap-message"), "Loading the TWAP…");

  // Fills are served even for a TWAP whose status rows are not stored: show what there is.
  let twap = null;
  try {
    twap = await getJson(`api/v1/twaps/${encodeURIComponent(id)}`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) {
      setMessage($("#twap-message"), "");
      setError($("#twap-error"), error.message);
      view.dataset.state = "error";
      return;
    }
  }
  let fills;
  try {
    fills = await getAllFills(id, search.get("limit") || undefined);
  } catch (error) {
    setMessage($("#twap-message"), "");
    setError($("#twap-error"), error.message);
    view.dataset.state = "error";
    return;
  }

  setMessage($("#twap-message"), twap ? "" : "No status row of this TWAP is stored; its fills are.");
  const latest = twap ? twap.rows[twap.rows.length - 1] : null;
  if (twap) {
    renderRows(id, twap.rows, twap.fills_summary);
  } else {
    $("#twap-facts").replaceChildren(...facts([["Fills", String(fills.fills.length)]]));
    $("#timeline").replaceChildren(el("li", { text: "No status row is stored." }));
    $("#back-link").href = pageUrl("");
    $("#back-link").textContent = "All wallets";
  }
  body.hidden = false;
  renderFills(fills.fills, fills.complete, twap ? twap.fills_summary : null, latest);
  view.dataset.state = "ready";
}
