// Requests to the API. URLs are built from where this file is served (<root>/web/api.js), so
// the page works at / and at /twap/{id}, and behind a proxy that adds a path prefix.

export const root = new URL("../", import.meta.url);

// Most pages of one TWAP's fills fetched for its page (1000 fills each by default).
const MAX_FILL_PAGES = 100;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// A URL below the root with the given query parameters; empty and null values are left out.
export function pageUrl(path, params = {}) {
  const url = new URL(path, root);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  return url;
}

// The API's error body as one message: FastAPI's `detail` text, or each 422 issue as
// "parameter: message".
function errorMessage(status, text) {
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: said below
  }
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((issue) => {
        const where = Array.isArray(issue.loc) ? issue.loc.filter((p) => p !== "query").join(".") : "";
        return where ? `${where}: ${issue.msg}` : String(issue.msg);
      })
      .join("\n");
  }
  return `The server answered ${status}.`;
}

async function request(path, params) {
  try {
    return await fetch(pageUrl(path, params), { headers: { Accept: "application/json" } });
  } catch (error) {
    throw new ApiError(0, `The server could not be reached (${error.message}).`);
  }
}

async function failure(response) {
  return new ApiError(response.status, errorMessage(response.status, await response.text()));
}

export async function getJson(path, params) {
  const response = await request(path, params);
  if (!response.ok) throw await failure(response);
  // Decimals are JSON strings, so parsing loses no digit of them.
  return response.json();
}

// Every fill of a TWAP, following next_cursor. `complete` is false when MAX_FILL_PAGES pages
// did not reach the end.
export async function getAllFills(twapId, limit) {
  const fills = [];
  let cursor = null;
  for (let pages = 0; pages < MAX_FILL_PAGES; ++pages) {
    const page = await getJson(`api/v1/twaps/${encodeURIComponent(twapId)}/fills`, { limit, cursor });
    fills.push(...page.fills);
    cursor = page.next_cursor;
    if (cursor === null) return { fills, complete: true };
  }
  return { fills, complete: false };
}

function filename(contentDisposition) {
  const match = /filename="?([^";]+)"?/i.exec(contentDisposition || "");
  return match ? match[1] : "export.csv";
}

// Downloads what the API answers, under the file name it gives; an error is thrown with the
// API's message rather than saved.
export async function download(path, params) {
  const response = await request(path, params);
  if (!response.ok) throw await failure(response);
  let blob;
  try {
    blob = await response.blob();
  } catch {
    // The server ends a streamed file early on a failure, so that no cut file looks whole.
    throw new ApiError(0, "The file was cut off before its end; nothing was saved. Try again.");
  }
  const name = filename(response.headers.get("Content-Disposition"));
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the object URL by now; release it once it surely has.
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  return { name, size: blob.size };
}
