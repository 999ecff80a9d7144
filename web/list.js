// The list view (/): a wallet's TWAPs in a range, paged with the API's next_cursor, the range's
// data coverage and its exports. The query lives in the URL, so a view can be linked to.
import { download, getJson, pageUrl } from "./api.js";
import { $, duration, el, fees, fillRows, setError, setMessage, show, sideName, time } from "./dom.js";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_LISTED = 20;  // missing ranges, failures and keys listed per dataset
const DATASET_NAMES = { twap_statuses: "TWAP statuses", fills: "Slice fills" };

// A date alone in "To" means through that whole day; the API would read it as its midnight.
function endParam(value) {
  return DATE_ONLY.test(value) ? `${value}T23:59:59.999999Z` : value;
}

function statusMatches(status, wanted) {
  if (!wanted) return true;
  if (wanted === "error") return typeof status === "string" && status.startsWith("error");
  return status === wanted;
}

function ensureOption(select, value) {
  if (value && ![...select.options].some((o) => o.value === value)) {
    select.append(el("option", { value, text: value }));
  }
  if (value) select.value = value;
}

function readQuery(search, form) {
  const q = (name) => (search.get(name) || "").trim();
  const year = new Date().toISOString().slice(0, 4);
  const values = {
    wallet: q("wallet"),
    start: q("start") || `${year}-01-01`,
    end: q("end") || new Date().toISOString().slice(0, 10),
    asset: q("asset"),
    status: q("status"),
    limit: q("limit"),
  };
  for (const name of ["wallet", "start", "end", "asset"]) form.elements[name].value = values[name];
  ensureOption(form.elements.status, values.status);
  ensureOption(form.elements.limit, values.limit);
  values.limit = form.elements.limit.value;
  return values;
}

class ListView {
  constructor(values) {
    this.query = {
      wallet: values.wallet,
      start: values.start,
      end: endParam(values.end),
      asset: values.asset,
    };
    this.limit = values.limit;
    this.status = values.status;
    this.cursors = [null];  // the cursor of each page seen so far; the last is the current page's
    this.page = null;
    this.results = $("#results");
    this.table = $("#twaps");
  }

  start() {
    $("#status").addEventListener("change", (event) => {
      this.status = event.target.value;
      const url = new URL(window.location.href);
      if (this.status) url.searchParams.set("status", this.status);
      else url.searchParams.delete("status");
      window.history.replaceState(null, "", url);
      if (this.page) this.render();
    });
    $("#prev-page").addEventListener("click", () => {
      if (this.results.dataset.state !== "loading" && this.cursors.length > 1) {
        this.cursors.pop();
        this.load();
      }
    });
    $("#next-page").addEventListener("click", () => {
      if (this.results.dataset.state !== "loading" && this.page && this.page.next_cursor) {
        this.cursors.push(this.page.next_cursor);
        this.load();
      }
    });
    for (const button of document.querySelectorAll("#export button[data-format]")) {
      button.addEventListener("click", () => this.export(button.dataset.format));
    }
    this.load();
    this.loadCoverage();
    this.loadTotals();
  }

  async load() {
    this.results.dataset.state = "loading";
    this.results.setAttribute("aria-busy", "true");
    setMessage($("#list-message"), "Loading TWAPs…");
    try {
      this.page = await getJson("api/v1/twaps", {
        ...this.query,
        limit: this.limit,
        cursor: this.cursors[this.cursors.length - 1],
      });
      setError($("#list-error"), "");
      this.results.hidden = false;
      this.render();
    } catch (error) {
      this.page = null;
      this.results.hidden = true;
      this.results.dataset.state = "error";
      setMessage($("#list-message"), "");
      setError($("#list-error"), error.message);
    } finally {
      this.results.removeAttribute("aria-busy");
    }
  }

  render() {
    const page = this.page;
    const shown = page.twaps.filter((t) => statusMatches(t.status, this.status));
    const pageNumber = this.cursors.length;
    const where = `wallet ${page.wallet}${this.query.asset ? `, asset ${this.query.asset}` : ""}`;
    const range = `from ${page.start} through ${page.end}`;

    fillRows(
      this.table,
      shown.map((t) => ({
        attrs: { "data-twap-id": t.twap_id },
        cells: [
          el("a", { href: pageUrl(`twap/${encodeURIComponent(t.twap_id)}`), text: t.twap_id }),
          time(t.created_at),
          show(t.asset),
          sideName(t.side),
          show(t.status),
          show(t.size_requested),
          executedCell(t),
          show(t.fills_summary && t.fills_summary.avg_px),
          fees(t.fills_summary),
          show(t.fills_summary && t.fills_summary.closed_pnl),
          duration(t.duration_minutes),
        ],
      })),
    );

    const empty = page.twaps.length === 0 && pageNumber === 1;
    this.results.dataset.state = empty ? "empty" : "ready";
    this.table.hidden = shown.length === 0;
    let message;
    if (empty) {
      message = `No TWAPs of ${where} ${range}.`;
    } else if (shown.length === 0) {
      message = `Page ${pageNumber}: none of the ${page.twaps.length} TWAPs of ${where} ${range} ` +
        `has status ${this.status}.`;
    } else if (this.status) {
      message = `Page ${pageNumber}: ${shown.length} of the ${page.twaps.length} TWAPs of ${where} ` +
        `${range} have status ${this.status}.`;
    } else {
      message = `Page ${pageNumber}: ${page.twaps.length} TWAPs of ${where} ${range}.`;
    }
    setMessage($("#list-message"), message);

    const more = page.next_cursor !== null;
    $(".pager").hidden = !more && pageNumber === 1;
    // A pager button that turns disabled would drop the keyboard's focus: hand it to the other.
    const focused = document.activeElement ? document.activeElement.id : "";
    $("#prev-page").disabled = pageNumber === 1;
    $("#next-page").disabled = !more;
    if ((focused === "prev-page" || focused === "next-page") && $(`#${focused}`).disabled) {
      $(focused === "next-page" ? "#prev-page" : "#next-page").focus();
    }
    $("#page-label").textContent = `Page ${pageNumber}${more ? "" : " (last)"}`;
  }

  async loadCoverage() {
    const body = $("#coverage-body");
    try {
      const coverage = await getJson("api/v1/coverage", { start: this.query.start, end: this.query.end });
      body.replaceChildren(
        el("p", { text: `Hours from ${coverage.start} through ${coverage.end}.` }),
        ...coverage.datasets.map(datasetCoverage),
        otherObjects(coverage.other_objects) || "",
      );
      body.dataset.state = "ready";
    } catch (error) {
      body.replaceChildren(el("p", { class: "error-text", text: `Coverage could not be read: ${error.message}` }));
      body.dataset.state = "error";
    }
  }

  // The wallet's totals over the whole range (every page, every asset), when the server has them.
  async loadTotals() {
    const panel = $("#totals");
    let summary;
    try {
      summary = await getJson(`api/v1/wallets/${encodeURIComponent(this.query.wallet)}/summary`, {
        start: this.query.start,
        end: this.query.end,
      });
    } catch {
      panel.hidden = true;  // the list says what went wrong with the query
      return;
    }
    const counts = (items, key) => items.map((i) => `${i.count} ${i[key]}`).join(", ");
    const parts = [`${summary.twaps.count} TWAPs${summary.twaps.count ? `: ${counts(summary.twaps.by_status, "status")}` : ""}.`];
    parts.push(`${summary.fills.count} fills.`);
    if (summary.fills.fees_by_token.length) {
      parts.push(`Fees: ${summary.fills.fees_by_token.map((f) => `${f.fee} ${f.fee_token}`).join(", ")}.`);
    }
    if (summary.first_activity) {
      parts.push(`Activity from ${summary.first_activity} to ${summary.last_activity}.`);
    }
    $("#totals-text").textContent = parts.join(" ");

    const assets = new Map();
    const entry = (asset) => assets.get(asset) || assets.set(asset, {}).get(asset);
    for (const t of summary.twaps.by_asset) entry(t.asset).twaps = t;
    for (const f of summary.fills.by_asset) entry(f.asset).fills = f;
    fillRows($("#totals-table"), [...assets].map(([asset, { twaps, fills }]) => ({
      attrs: { "data-asset": asset },
      cells: [
        show(asset),
        twaps ? String(twaps.count) : "0",
        show(twaps && twaps.size_requested),
        show(twaps && twaps.size_executed),
        show(twaps && twaps.notional_executed),
        fills ? String(fills.count) : "0",
        show(fills && fills.size),
        show(fills && fills.notional),
        show(fills && fills.closed_pnl),
      ],
    })));
    $("#totals-table").hidden = assets.size === 0;
    panel.hidden = false;
    panel.dataset.state = "ready";
  }

  async export(format) {
    const message = $("#export-message");
    const buttons = document.querySelectorAll("#export button[data-format]");
    for (const b of buttons) b.disabled = true;
    message.classList.remove("error-text");
    setMessage(message, `Preparing the ${format} export…`);
    try {
      const file = await download("api/v1/export", {
        ...this.query,
        format,
        // Awaken and Koinly files list fills; only the plain CSV has a per-TWAP layout.
        level: format === "csv" ? $("#export-level").value : null,
        market: $("#export-market").value,
      });
      setMessage(message, `Downloaded ${file.name} (${file.size} bytes).`);
      message.dataset.state = "done";
    } catch (error) {
      message.classList.add("error-text");
      setMessage(message, `Export failed: ${error.message}`);
      message.dataset.state = "error";
    } finally {
      for (const b of buttons) b.disabled = false;
    }
  }
}

function executedCell(t) {
  const summary = t.fills_summary;
  const executed = show(t.executed && t.executed.size);
  if (!summary || summary.size_matches_executed !== false) return executed;
  return [executed, el("span", { class: "flag", text: ` fills: ${summary.size} (differs)` })];
}

function datasetCoverage(d) {
  const name = DATASET_NAMES[d.dataset] || d.dataset;
  const facts = [];
  const fact = (term, ...value) => facts.push(el("dt", { text: term }), el("dd", {}, ...value));
  const problems = [];
  if (d.missing_hours) problems.push(`${d.missing_hours} hours missing`);
  if (d.failed_objects) problems.push(`${d.failed_objects} failed objects`);
  const verdict = d.complete
    ? el("strong", { class: "complete", text: "complete" })
    : el("strong", { class: "incomplete", text: `incomplete${problems.length ? `: ${problems.join(", ")}` : ""}` });

  if (d.missing_ranges.length) {
    fact("Missing hours (each named by its start, UTC)",
      listOf(d.missing_ranges, (r) => `${r.start} – ${r.end} (${r.hours} h)`, d.missing_range_count));
  }
  if (d.failed_objects) {
    fact("Failed objects", listOf(d.failures, (f) => `${f.key}: ${f.error} (${show(f.at)})`, d.failed_objects));
  }
  if (d.unknown_layout) {
    fact("Objects whose key names no hour", listOf(d.unknown_layout_keys, (k) => k, d.unknown_layout));
  }
  fact("Hours ingested", d.first_hour ? `${d.first_hour} – ${d.last_hour}` : "none");
  fact("Objects ingested in the range", String(d.objects_ingested));
  fact("Last successful ingest", show(d.last_success_at));
  return el("div", { class: "dataset", "data-dataset": d.dataset, "data-complete": String(d.complete) },
    el("h3", {}, `${name} (${d.prefix}): `, verdict),
    el("details", {},
      el("summary", { text: "Details" }),
      el("dl", { class: "facts" }, facts)));
}

// Objects of no dataset (local files, other prefixes) say where data came from besides S3.
function otherObjects(o) {
  if (!o || !o.objects) return null;
  return el("div", { class: "dataset", "data-dataset": "other" },
    el("h3", { text: `Other objects: ${o.objects}, of which ${o.local_files} local files and ` +
      `${o.failed_objects} failed` }),
    el("p", { class: "hint", text: "Loaded from local files or keys under no dataset's prefix; " +
      "their hours are not counted above." }),
    listOf(o.keys, (k) => k, o.objects));
}

// A list of the first items; `total` counts them all (the API bounds its lists).
function listOf(items, text, total = items.length) {
  const shown = items.slice(0, MAX_LISTED).map((item) => el("li", { text: text(item) }));
  if (total > shown.length) shown.push(el("li", { text: `and ${total - shown.length} more` }));
  return shown.length ? el("ul", { class: "compact" }, shown) : String(total);
}

export function showList(search) {
  $("#list-view").hidden = false;
  const values = readQuery(search, $("#query"));
  if (!values.wallet) {
    setMessage($("#list-message"), "Enter a wallet and a date range to see its TWAPs.");
    return;
  }
  document.title = `TWAPs of ${values.wallet} · hyperliquid-twap explorer`;
  new ListView(values).start();
}
