// Small helpers shared by the views: elements built without HTML strings, values shown exactly
// as the API gives them, and exact decimal sums.

export const NONE = "—";

export function $(selector) {
  return document.querySelector(selector);
}

// An element with attributes (`text` sets its text, `on<event>` adds a listener) and children.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

// A value as text, unchanged: decimals stay the strings the API sent.
export function show(value) {
  return value === null || value === undefined || value === "" ? NONE : String(value);
}

export function sideName(side) {
  if (side === "B") return "Buy";
  if (side === "A") return "Sell";
  return show(side);
}

export function duration(minutes) {
  if (!Number.isInteger(minutes)) return NONE;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [];
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (rest || parts.length === 0) parts.push(`${rest} min`);
  return parts.join(" ");
}

// A fills summary's fees: the one token's sum, else each token's.
export function fees(summary) {
  if (!summary) return NONE;
  if (summary.fee !== null) return `${summary.fee} ${show(summary.fee_token)}`;
  const byToken = Object.entries(summary.fees_by_token || {});
  return byToken.length ? byToken.map(([token, fee]) => `${fee} ${token}`).join(", ") : NONE;
}

// A timestamp as the API wrote it, allowed to break after its "T" on a narrow screen.
export function time(value) {
  if (!value) return NONE;
  const at = value.indexOf("T") + 1;
  return at > 0
    ? el("time", { datetime: value }, value.slice(0, at), el("wbr"), value.slice(at))
    : el("time", { datetime: value, text: value });
}

// Table cells carry their column's name, for the stacked layout of narrow screens.
export function fillRows(table, rows) {
  const names = [...table.tHead.rows[0].cells].map((th) => th.textContent.trim());
  const numeric = [...table.tHead.rows[0].cells].map((th) => th.classList.contains("num"));
  const body = table.tBodies[0];
  body.replaceChildren(
    ...rows.map(({ cells, attrs }) =>
      el(
        "tr",
        attrs || {},
        cells.map((content, i) =>
          el(i === 0 ? "th" : "td", {
            scope: i === 0 ? "row" : null,
            "data-label": names[i],
            class: numeric[i] ? "num" : null,
          }, typeof content === "string" ? content : content ?? NONE),
        ),
      ),
    ),
  );
}

export function setMessage(node, text) {
  node.textContent = text || "";
}

export function setError(node, text) {
  node.textContent = text || "";
  node.hidden = !text;
}

// Exact decimals: "12.345" is 12345n at scale 3. The chart may use floats; what is shown does not.
function parseDecimal(text) {
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) return null;
  const fraction = match[3] || "";
  const digits = BigInt((match[2] || "0") + fraction);
  return { units: match[1] ? -digits : digits, scale: fraction.length };
}

function formatDecimal({ units, scale }) {
  const negative = units < 0n;
  let digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  if (scale > 0) digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return (negative ? "-" : "") + digits;
}

// Running sums of decimal strings, each with the largest scale of its terms (as PostgreSQL's
// NUMERIC sums print); null from the first term that is not a plain decimal.
export function runningSums(values) {
  let total = { units: 0n, scale: 0 };
  let valid = true;
  return values.map((value) => {
    const term = valid ? parseDecimal(String(value)) : null;
    if (!term) {
      valid = false;
      return null;
    }
    const scale = Math.max(total.scale, term.scale);
    const widen = (d) => d.units * 10n ** BigInt(scale - d.scale);
    total = { units: widen(total) + widen(term), scale };
    return formatDecimal(total);
  });
}
