// Over 400 lines: the OpenAPI document is one JSON literal, kept whole so that it reads as one.
#include "api/openapi.h"

#include <boost/json.hpp>

namespace hltwap::api {
namespace {

// The API's OpenAPI 3.1 document: the one description of every endpoint, parameter, response
// and schema. Tests validate it and check every response against it.
constexpr std::string_view kOpenApiJson = R"json(
{
  "openapi": "3.1.0",
  "info": {
    "title": "hyperliquid-twap API",
    "version": "0.0.0",
    "summary": "Hyperliquid TWAP orders by wallet and time range, grouped by twap_id.",
    "description": "Every Hyperliquid TWAP order status change ingested from the requester-pays S3 bucket, served from PostgreSQL. Decimals are exact and written as JSON strings, exactly as stored; timestamps are UTC, written `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`. Errors use FastAPI's JSON shape.",
    "license": {"name": "MIT", "identifier": "MIT"}
  },
  "tags": [
    {"name": "twaps", "description": "TWAP orders, their status rows and their fills"},
    {"name": "wallets", "description": "A wallet's totals"},
    {"name": "coverage", "description": "Which data hours are ingested, which are missing, which objects failed"},
    {"name": "exports", "description": "Files for tax platforms and accountants"},
    {"name": "operations", "description": "Health, metrics and documentation"}
  ],
  "paths": {
    "/api/v1/twaps": {
      "get": {
        "tags": ["twaps"],
        "operationId": "list_twaps",
        "summary": "A wallet's TWAPs in a time range",
        "description": "Rows of `wallet` with `start <= ts <= end` (and `asset`, when given), grouped by `twap_id`. Each TWAP's fields come from its latest row (max `ts`) in the window. TWAPs are ordered by ascending (`latest_ts`, `twap_id`) and paged: `limit` counts TWAPs, and `next_cursor`, when not null, is passed as `cursor` to get the next page. With `latest_per_twap=false` every TWAP also carries `rows`: all its rows in the window, ascending by `ts`. Every TWAP carries `fills_summary`, the totals of this wallet's stored fills of it (null when none is stored), read in the same snapshot as the page.",
        "parameters": [
          {"name": "wallet", "in": "query", "required": true, "description": "Wallet address (matched case-insensitively: it is lowercased).", "schema": {"type": "string", "minLength": 1, "title": "Wallet"}, "example": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"},
          {"name": "start", "in": "query", "required": true, "description": "Window start, inclusive. ISO-8601 / RFC 3339 with `Z` or an offset; without a zone it is UTC; a bare date means its midnight UTC.", "schema": {"type": "string", "format": "date-time", "title": "Start"}, "example": "2025-11-01T00:00:00Z"},
          {"name": "end", "in": "query", "required": true, "description": "Window end, inclusive; not earlier than `start`. Same forms as `start`.", "schema": {"type": "string", "format": "date-time", "title": "End"}, "example": "2025-11-04T00:00:00Z"},
          {"name": "asset", "in": "query", "required": false, "description": "Only TWAPs of this coin (exact match, e.g. `BTC`, `xyz:NVDA`, `@107`); empty means every coin, as if absent.", "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Asset"}},
          {"name": "latest_per_twap", "in": "query", "required": false, "description": "`true`: one object per TWAP from its latest row. `false`: each object also carries `rows`, all the TWAP's rows in the window. Accepts true/false, 1/0, yes/no, on/off, t/f, y/n.", "schema": {"type": "boolean", "default": true, "title": "Latest Per Twap"}},
          {"name": "limit", "in": "query", "required": false, "description": "Most TWAPs in one page.", "schema": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500, "title": "Limit"}},
          {"name": "cursor", "in": "query", "required": false, "description": "The `next_cursor` of the previous page (opaque); empty means the first page, as if absent.", "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Cursor"}}
        ],
        "responses": {
          "200": {"description": "One page of the wallet's TWAPs.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwapListResponse"}}}, "links": {"GetFirstTwap": {"operationId": "get_twap", "parameters": {"twap_id": "$response.body#/twaps/0/twap_id"}, "description": "Every row of the first TWAP of the page."}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "422": {"$ref": "#/components/responses/ValidationError"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"},
          "503": {"$ref": "#/components/responses/DatabaseUnavailable"}
        }
      }
    },
    "/api/v1/twaps/{twap_id}": {
      "get": {
        "tags": ["twaps"],
        "operationId": "get_twap",
        "summary": "Every row of one TWAP",
        "description": "All status rows of the TWAP, ascending by `ts`, and `fills_summary`: the totals of the TWAP's stored fills of every wallet (null when none is stored), reconciled against its latest row.",
        "parameters": [
          {"name": "twap_id", "in": "path", "required": true, "schema": {"type": "string", "title": "Twap Id"}, "example": "568722"}
        ],
        "responses": {
          "200": {"description": "The TWAP's rows.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwapRowsResponse"}}}, "links": {"GetTwapFills": {"operationId": "get_twap_fills", "parameters": {"twap_id": "$response.body#/twap_id"}, "description": "The TWAP's fills."}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "404": {"description": "No row has this twap_id: `{\"detail\": \"TWAP <id> not found\"}`.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"},
          "503": {"$ref": "#/components/responses/DatabaseUnavailable"}
        }
      }
    },
    "/api/v1/twaps/{twap_id}/fills": {
      "get": {
        "tags": ["twaps"],
        "operationId": "get_twap_fills",
        "summary": "The fills of one TWAP",
        "description": "Every stored slice fill of the TWAP (of every wallet: the two sides of one trade are two TWAPs, each with its own fill), ascending by (`time`, `tid`, `wallet`), paged: `limit` counts fills, and `next_cursor`, when not null, is passed as `cursor` to get the next page. A TWAP that has status rows but no fills answers an empty list; fills are served even when the TWAP has no status row.",
        "parameters": [
          {"name": "twap_id", "in": "path", "required": true, "schema": {"type": "string", "title": "Twap Id"}, "example": "568722"},
          {"name": "limit", "in": "query", "required": false, "description": "Most fills in one page.", "schema": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 1000, "title": "Limit"}},
          {"name": "cursor", "in": "query", "required": false, "description": "The `next_cursor` of the previous page of this endpoint (opaque); empty means the first page, as if absent.", "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Cursor"}}
        ],
        "responses": {
          "200": {"description": "One page of the TWAP's fills.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FillsPage"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "404": {"description": "The TWAP has neither a status row nor a fill: `{\"detail\": \"TWAP <id> not found\"}`.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "422": {"$ref": "#/components/responses/ValidationError"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"},
          "503": {"$ref": "#/components/responses/DatabaseUnavailable"}
        }
      }
    },
    "/api/v1/wallets/{wallet}/summary": {
      "get": {
        "tags": ["wallets"],
        "operationId": "wallet_summary",
        "summary": "A wallet's TWAPs and fills in a time range, in totals",
        "description": "Each TWAP of `wallet` with a status row in the window counts once, with its latest row there (as `GET /api/v1/twaps` shows it): TWAPs by status, and by asset with Σ requested size, Σ executed size and Σ executed notional. The wallet's fills whose own `time` is in the window: count, Σ size, Σ px × sz and Σ closed PnL by asset (coin), Σ fee by fee token. `first_activity` / `last_activity`: the earliest and latest status row or fill in the window. Decimals are exact NUMERIC sums as strings (a null term adds nothing; a sum of nulls only is null); lists are sorted by their key in byte order, null last. A wallet without data in the window answers zero counts, empty lists and null activity. One database snapshot.",
        "parameters": [
          {"name": "wallet", "in": "path", "required": true, "description": "Wallet address (matched case-insensitively: it is lowercased).", "schema": {"type": "string", "title": "Wallet"}, "example": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"},
          {"name": "start", "in": "query", "required": true, "description": "Window start, inclusive, as for `GET /api/v1/twaps`.", "schema": {"type": "string", "format": "date-time", "title": "Start"}, "example": "2025-01-01T00:00:00Z"},
          {"name": "end", "in": "query", "required": true, "description": "Window end, inclusive; not earlier than `start`.", "schema": {"type": "string", "format": "date-time", "title": "End"}, "example": "2025-12-31T23:59:59.999999Z"}
        ],
        "responses": {
          "200": {"description": "The wallet's totals in the window.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WalletSummary"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "422": {"$ref": "#/components/responses/ValidationError"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"},
          "503": {"$ref": "#/components/responses/DatabaseUnavailable"}
        }
      }
    },
    "/api/v1/coverage": {
      "get": {
        "tags": ["coverage"],
        "operationId": "coverage",
        "summary": "Which data hours of each dataset are ingested, missing or failed",
        "description": "From the ingest log: for each dataset (`twap_statuses` under `AWS_S3_PREFIX`, `fills` under `AWS_S3_FILLS_PREFIX`; a key belongs to the longest prefix that starts it) the data hours its objects' keys name (`YYYY/MM/DD/HH/`, `date=YYYY-MM-DD/hour=HH/` and `YYYYMMDD/H.parquet` name an hour; `YYYY/MM/DD/` and `date=YYYY-MM-DD/` without an hour the whole day; any other key is of unknown layout, never guessed). Hours are UTC; a window's hours run from the hour of `start` to the hour of `end`, both included; without a window, each dataset's first to last ingested hour. `complete`: no hour of that range lacks an ingested object, no failed object lies in it and no failed object has an unknown layout (and, without a window, something was ingested). Lists are bounded (100 missing ranges, 100 failures, 20 keys); the counts beside them are exact. `hltwap coverage --format json` prints the same body.",
        "parameters": [
          {"name": "start", "in": "query", "required": false, "description": "Window start, inclusive (forms as for `GET /api/v1/twaps`); only together with `end`.", "schema": {"type": "string", "format": "date-time", "title": "Start"}, "example": "2025-01-01T00:00:00Z"},
          {"name": "end", "in": "query", "required": false, "description": "Window end, inclusive; only together with `start`, not earlier than it.", "schema": {"type": "string", "format": "date-time", "title": "End"}, "example": "2025-12-31T23:59:59.999999Z"}
        ],
        "responses": {
          "200": {"description": "The coverage of each dataset.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Coverage"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "422": {"$ref": "#/components/responses/ValidationError"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"},
          "503": {"$ref": "#/components/responses/DatabaseUnavailable"}
        }
      }
    },
    "/api/v1/export": {
      "get": {
        "tags": ["exports"],
        "operationId": "export",
        "summary": "A wallet's fills or TWAPs in a time range as one CSV file (csv, Awaken, Koinly)",
        "description": "One file per wallet and window, streamed (chunked transfer encoding) from one database snapshot. RFC 4180 CSV: comma-separated, CRLF line ends, a field quoted when it holds a comma, a double quote, CR or LF; a field starting with `=`, `+`, `-`, `@`, tab or CR that is not a number is written as text with a leading apostrophe (no spreadsheet formulas). Empty fields are nulls. An empty window gives the header alone.\n\n- `format=csv`, `level=fill` (default): one row per slice fill in the window by (time, tid, twap_id). Columns: `time, wallet, twap_id, tid, coin, market, side, dir, px, sz, notional, fee, fee_token, closed_pnl, start_position, crossed, hash, oid, builder_fee, twap_status, twap_size_requested` (the TWAP's latest status row; empty without one). Decimals exactly as PostgreSQL prints NUMERIC, times ISO-8601 UTC with microseconds.\n- `format=csv`, `level=twap`: one row per TWAP with a status row in the window (its latest there), by (latest_ts, twap_id). Columns: `twap_id, wallet, asset, market, side, status, latest_ts, created_at, duration_minutes, size_requested, size_executed, notional_executed, fill_count, fill_size, fill_notional, fill_avg_px, fill_fee, fill_fee_token, fill_fees_by_token, fill_closed_pnl, first_fill_time, last_fill_time, size_matches_executed` (the fills summary of every stored fill of the TWAP, as `fills_summary`).\n- `format=awaken`: Awaken's perpetuals CSV `Date,Asset,Amount,Fee,P&L,Payment Token,Notes,Transaction Hash,Tag` for perpetual fills, or Awaken's standard trade CSV `Date,Received Quantity,Received Currency,Received Fiat Amount,Sent Quantity,Sent Currency,Sent Fiat Amount,Fee Amount,Fee Currency,Transaction Hash,Notes,Tag` for spot fills (coins `@N` or `BASE/QUOTE`). Dates `MM/DD/YYYY HH:MM:SS` UTC; amounts rounded to 8 decimal places half away from zero, never negative but P&L; a rebate is Fee 0 and named in Notes; Tag `open_position` / `close_position` from the fill's `dir`. A window with both perpetual and spot fills needs `asset` or `market` (422 otherwise).\n- `format=koinly`: Koinly's universal CSV `Date,Sent Amount,Sent Currency,Received Amount,Received Currency,Fee Amount,Fee Currency,Net Worth Amount,Net Worth Currency,Label,Description,TxHash`, dates `YYYY-MM-DD HH:MM:SS UTC`. Spot fills are trades; perpetual fills are realized P&L net of the fee, labelled `realized gain`.\n\nThe CLI `hltwap export` writes the same bytes. A database failure after the first byte ends the connection without the final chunk: the client sees an incomplete transfer, never a complete-looking truncated file.",
        "parameters": [
          {"name": "wallet", "in": "query", "required": true, "description": "Wallet address (matched case-insensitively: it is lowercased).", "schema": {"type": "string", "minLength": 1, "title": "Wallet"}, "example": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"},
          {"name": "start", "in": "query", "required": true, "description": "Window start, inclusive (fill time; for level=twap the status row time). Same forms as on /api/v1/twaps.", "schema": {"type": "string", "format": "date-time", "title": "Start"}, "example": "2025-01-01T00:00:00Z"},
          {"name": "end", "in": "query", "required": true, "description": "Window end, inclusive; not earlier than `start`.", "schema": {"type": "string", "format": "date-time", "title": "End"}, "example": "2025-12-31T23:59:59.999999Z"},
          {"name": "format", "in": "query", "required": false, "description": "`csv`: every column; `awaken`: Awaken Tax; `koinly`: Koinly's universal format.", "schema": {"type": "string", "enum": ["csv", "awaken", "koinly"], "default": "csv", "title": "Format"}},
          {"name": "level", "in": "query", "required": false, "description": "`fill`: one row per slice fill; `twap`: one row per TWAP (format=csv only).", "schema": {"type": "string", "enum": ["fill", "twap"], "default": "fill", "title": "Level"}},
          {"name": "asset", "in": "query", "required": false, "description": "Only this coin (exact match, e.g. `BTC`, `xyz:NVDA`, `@107`); empty means every coin, as if absent.", "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Asset"}},
          {"name": "market", "in": "query", "required": false, "description": "Only perpetual or only spot fills (spot coins are `@N` or `BASE/QUOTE`); empty means both, as if absent.", "schema": {"anyOf": [{"type": "string", "enum": ["perp", "spot", ""]}, {"type": "null"}], "title": "Market"}}
        ],
        "responses": {
          "200": {
            "description": "The CSV file, streamed with chunked transfer encoding.",
            "headers": {
              "Content-Disposition": {"description": "`attachment; filename=\"hltwap-<wallet>-<start>-<end>-<layout>.csv\"`: times as `20250101T000000Z`, layout `csv`, `csv-twap`, `awaken-perp`, `awaken-spot` or `koinly`; only letters and digits of the wallet (others become `_`).", "schema": {"type": "string"}},
              "Cache-Control": {"description": "`no-store`.", "schema": {"type": "string"}}
            },
            "content": {"text/csv": {"schema": {"type": "string"}, "example": "Date,Asset,Amount,Fee,P&L,Payment Token,Notes,Transaction Hash,Tag\r\n11/02/2025 02:07:02,BTC,0.0004,0.019461,1.2456,USDC,TWAP 568760 sell Close Long,0x0000000000000000000000000000000000000000000000000000000000000000,close_position\r\n"}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "422": {"$ref": "#/components/responses/ValidationError"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"},
          "503": {"$ref": "#/components/responses/DatabaseUnavailable"}
        }
      }
    },
    "/healthz": {
      "get": {
        "tags": ["operations"],
        "operationId": "healthz",
        "summary": "Database connectivity and the last ingested S3 object",
        "responses": {
          "200": {"description": "The database answers (or, with the primary down, a read standby does: status `degraded`).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"},
          "503": {"description": "The database is unreachable (answered within a second or two) or not usable.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": ["operations"],
        "operationId": "metrics",
        "summary": "Prometheus metrics",
        "description": "Requests by route template and status, a latency histogram, connection gauges and the database pool's size, use and waits, in the Prometheus text format 0.0.4.",
        "responses": {
          "200": {"description": "Prometheus text exposition.", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"}
        }
      }
    },
    "/openapi.json": {
      "get": {
        "tags": ["operations"],
        "operationId": "openapi",
        "summary": "This OpenAPI document",
        "responses": {
          "200": {"description": "OpenAPI 3.1 document.", "content": {"application/json": {"schema": {"type": "object"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"}
        }
      }
    },
    "/docs": {
      "get": {
        "tags": ["operations"],
        "operationId": "docs",
        "summary": "Interactive documentation (Swagger UI, served from local files)",
        "responses": {
          "200": {"description": "Swagger UI page.", "content": {"text/html": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"}
        }
      }
    },
    "/docs/{asset}": {
      "get": {
        "tags": ["operations"],
        "operationId": "docs_asset",
        "summary": "A Swagger UI file",
        "parameters": [
          {"name": "asset", "in": "path", "required": true, "schema": {"type": "string", "enum": ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png", "favicon-16x16.png"], "title": "Asset"}}
        ],
        "responses": {
          "200": {"description": "The file.", "content": {"text/css": {"schema": {"type": "string"}}, "text/javascript": {"schema": {"type": "string"}}, "image/png": {"schema": {"type": "string", "contentMediaType": "image/png"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "404": {"$ref": "#/components/responses/NotFound"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"}
        }
      }
    },
    "/": {
      "get": {
        "tags": ["operations"],
        "operationId": "index",
        "summary": "The explorer: an HTML page showing a wallet's TWAPs, their fills and exports, through this API",
        "description": "The same page answers `/twap/{twap_id}` (one TWAP); its scripts and styles are served at `/web/{asset}`. Neither is an API route, so neither is listed here. When the explorer's files are missing this is a plain index of the other pages.",
        "responses": {
          "200": {"description": "HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
          "431": {"$ref": "#/components/responses/RequestHeaderFieldsTooLarge"}
        }
      }
    }
  },
  "components": {
    "schemas": {
      "Executed": {
        "type": "object",
        "title": "Executed",
        "description": "Executed size and notional so far, exact decimals as strings.",
        "properties": {
          "size": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Size", "examples": ["0.5"]},
          "notional": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Notional", "examples": ["54210.35"]}
        },
        "required": ["size", "notional"]
      },
      "TwapRow": {
        "type": "object",
        "title": "TwapRow",
        "description": "One status row of a TWAP.",
        "properties": {
          "wallet": {"type": "string", "title": "Wallet"},
          "ts": {"type": "string", "format": "date-time", "title": "Ts", "description": "Status event time (UTC)."},
          "status": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Status", "examples": ["activated", "finished", "terminated", "error"]},
          "asset": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Asset"},
          "side": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Side", "description": "`B` buy, `A` sell."},
          "size_requested": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Size Requested"},
          "executed": {"$ref": "#/components/schemas/Executed"},
          "duration_minutes": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Duration Minutes"},
          "created_at": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "Created At", "description": "The TWAP's creation time (state_timestamp)."},
          "raw": {"anyOf": [{"type": "object"}, {"type": "null"}], "title": "Raw", "description": "The source parquet row as stored, with its original column names."}
        },
        "required": ["wallet", "ts", "status", "asset", "side", "size_requested", "executed", "duration_minutes", "created_at", "raw"]
      },
      "Twap": {
        "type": "object",
        "title": "Twap",
        "description": "A TWAP, its fields taken from its latest row in the window.",
        "properties": {
          "twap_id": {"type": "string", "title": "Twap Id"},
          "asset": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Asset"},
          "side": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Side"},
          "status": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Status"},
          "duration_minutes": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Duration Minutes"},
          "latest_ts": {"type": "string", "format": "date-time", "title": "Latest Ts"},
          "executed": {"$ref": "#/components/schemas/Executed"},
          "raw": {"anyOf": [{"type": "object"}, {"type": "null"}], "title": "Raw"},
          "size_requested": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Size Requested"},
          "created_at": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "Created At"},
          "fills_summary": {"anyOf": [{"$ref": "#/components/schemas/FillsSummary"}, {"type": "null"}], "description": "The totals of this wallet's stored fills of the TWAP, reconciled against the row this object shows; null when no fill is stored."},
          "rows": {"type": "array", "items": {"$ref": "#/components/schemas/TwapRow"}, "title": "Rows", "description": "Only with latest_per_twap=false: every row of the TWAP in the window, ascending by ts."}
        },
        "required": ["twap_id", "asset", "side", "status", "duration_minutes", "latest_ts", "executed", "raw", "size_requested", "created_at", "fills_summary"]
      },
      "TwapListResponse": {
        "type": "object",
        "title": "TwapListResponse",
        "properties": {
          "wallet": {"type": "string", "title": "Wallet", "description": "The wallet asked for, lowercased."},
          "start": {"type": "string", "format": "date-time", "title": "Start"},
          "end": {"type": "string", "format": "date-time", "title": "End"},
          "twaps": {"type": "array", "items": {"$ref": "#/components/schemas/Twap"}, "title": "Twaps"},
          "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Next Cursor", "description": "Pass as `cursor` for the next page; null on the last page."}
        },
        "required": ["wallet", "start", "end", "twaps", "next_cursor"]
      },
      "TwapRowsResponse": {
        "type": "object",
        "title": "TwapRowsResponse",
        "properties": {
          "twap_id": {"type": "string", "title": "Twap Id"},
          "rows": {"type": "array", "items": {"$ref": "#/components/schemas/TwapRow"}, "title": "Rows"},
          "fills_summary": {"anyOf": [{"$ref": "#/components/schemas/FillsSummary"}, {"type": "null"}], "description": "The totals of the TWAP's stored fills of every wallet, reconciled against its latest row (the last of `rows`); null when no fill is stored."}
        },
        "required": ["twap_id", "rows", "fills_summary"]
      },
      "FillsSummary": {
        "type": "object",
        "title": "FillsSummary",
        "description": "Totals of a TWAP's stored fills. Decimals are strings exactly as PostgreSQL prints NUMERIC: sums are exact, with the largest scale of their terms (`notional` sums `px` × `sz`, whose scale is the sum of theirs). `avg_px` is `notional` / `size` by PostgreSQL's NUMERIC division, whose result scale gives at least 16 significant digits and no fewer decimal places than `notional` or `size` have (it is rounded there, half away from zero); null when `size` is zero.",
        "properties": {
          "count": {"type": "integer", "minimum": 1, "title": "Count", "description": "Number of fills."},
          "size": {"type": "string", "title": "Size", "description": "Σ sz.", "examples": ["0.50000"]},
          "notional": {"type": "string", "title": "Notional", "description": "Σ px × sz.", "examples": ["54210.58069375"]},
          "avg_px": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Avg Px", "description": "notional / size (NUMERIC division, see above).", "examples": ["108421.161387500000"]},
          "fee": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Fee", "description": "Σ fee (negative: a rebate) when every fill has a fee in one and the same token; else null (see `fees_by_token`)."},
          "fee_token": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Fee Token", "description": "That one token, or null."},
          "fees_by_token": {"type": "object", "additionalProperties": {"type": "string"}, "title": "Fees By Token", "description": "Token → Σ fee of the fills paid in it.", "examples": [{"HYPE": "0.00131245", "USDC": "3.854630"}]},
          "closed_pnl": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Closed Pnl", "description": "Σ closed_pnl (null when no fill has one)."},
          "first_fill_ts": {"type": "string", "format": "date-time", "title": "First Fill Ts"},
          "last_fill_ts": {"type": "string", "format": "date-time", "title": "Last Fill Ts"},
          "size_matches_executed": {"anyOf": [{"type": "boolean"}, {"type": "null"}], "title": "Size Matches Executed", "description": "When the status row this summary is reconciled against is terminal (finished, terminated, stopped, error…): whether `size` equals its executed size (false means fills are missing or extra). Null while the TWAP runs or when that row has no executed size."}
        },
        "required": ["count", "size", "notional", "avg_px", "fee", "fee_token", "fees_by_token", "closed_pnl", "first_fill_ts", "last_fill_ts", "size_matches_executed"]
      },
      "Fill": {
        "type": "object",
        "title": "Fill",
        "description": "One slice fill of a TWAP, one user's side of a trade. Decimals, `tid` and `oid` are strings exactly as stored.",
        "properties": {
          "time": {"type": "string", "format": "date-time", "title": "Time"},
          "tid": {"type": "string", "title": "Tid", "description": "Trade id, shared by the two sides of the trade.", "examples": ["101883902541105"]},
          "wallet": {"type": "string", "title": "Wallet"},
          "coin": {"type": "string", "title": "Coin"},
          "side": {"type": "string", "title": "Side", "description": "`B` buy, `A` sell."},
          "dir": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Dir", "examples": ["Open Long", "Close Short"]},
          "px": {"type": "string", "title": "Px"},
          "sz": {"type": "string", "title": "Sz"},
          "fee": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Fee", "description": "Negative for a rebate."},
          "fee_token": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Fee Token"},
          "closed_pnl": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Closed Pnl"},
          "start_position": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Start Position"},
          "crossed": {"anyOf": [{"type": "boolean"}, {"type": "null"}], "title": "Crossed", "description": "true when this side took liquidity."},
          "hash": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Hash"},
          "oid": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Oid", "description": "Order id."},
          "builder_fee": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Builder Fee"},
          "raw": {"anyOf": [{"type": "object"}, {"type": "null"}], "title": "Raw", "description": "The source fill record as stored."}
        },
        "required": ["time", "tid", "wallet", "coin", "side", "dir", "px", "sz", "fee", "fee_token", "closed_pnl", "start_position", "crossed", "hash", "oid", "builder_fee", "raw"]
      },
      "FillsPage": {
        "type": "object",
        "title": "FillsPage",
        "properties": {
          "twap_id": {"type": "string", "title": "Twap Id"},
          "fills": {"type": "array", "items": {"$ref": "#/components/schemas/Fill"}, "title": "Fills", "description": "Ascending by (time, tid, wallet)."},
          "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Next Cursor", "description": "Pass as `cursor` for the next page; null on the last page."}
        },
        "required": ["twap_id", "fills", "next_cursor"]
      },
      "WalletSummary": {
        "type": "object",
        "title": "WalletSummary",
        "properties": {
          "wallet": {"type": "string", "title": "Wallet", "description": "The wallet asked for, lowercased."},
          "start": {"type": "string", "format": "date-time", "title": "Start"},
          "end": {"type": "string", "format": "date-time", "title": "End"},
          "first_activity": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "First Activity", "description": "The earliest status row or fill of the wallet in the window; null when there is none."},
          "last_activity": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "Last Activity"},
          "twaps": {
            "type": "object",
            "title": "WalletTwaps",
            "description": "The wallet's TWAPs with a status row in the window, each once, from its latest row there.",
            "properties": {
              "count": {"type": "integer", "minimum": 0, "title": "Count"},
              "by_status": {"type": "array", "items": {"$ref": "#/components/schemas/StatusCount"}, "title": "By Status"},
              "by_asset": {"type": "array", "items": {"$ref": "#/components/schemas/AssetTwapTotals"}, "title": "By Asset"}
            },
            "required": ["count", "by_status", "by_asset"]
          },
          "fills": {
            "type": "object",
            "title": "WalletFills",
            "description": "The wallet's fills whose time is in the window.",
            "properties": {
              "count": {"type": "integer", "minimum": 0, "title": "Count"},
              "by_asset": {"type": "array", "items": {"$ref": "#/components/schemas/AssetFillTotals"}, "title": "By Asset"},
              "fees_by_token": {"type": "array", "items": {"$ref": "#/components/schemas/FeeTotals"}, "title": "Fees By Token"}
            },
            "required": ["count", "by_asset", "fees_by_token"]
          }
        },
        "required": ["wallet", "start", "end", "first_activity", "last_activity", "twaps", "fills"]
      },
      "StatusCount": {
        "type": "object",
        "title": "StatusCount",
        "properties": {
          "status": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Status"},
          "count": {"type": "integer", "minimum": 1, "title": "Count", "description": "TWAPs whose latest row in the window has this status."}
        },
        "required": ["status", "count"]
      },
      "AssetTwapTotals": {
        "type": "object",
        "title": "AssetTwapTotals",
        "description": "The TWAPs whose latest row in the window has this asset.",
        "properties": {
          "asset": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Asset"},
          "count": {"type": "integer", "minimum": 1, "title": "Count"},
          "size_requested": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Size Requested", "description": "Σ requested size."},
          "size_executed": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Size Executed", "description": "Σ executed size."},
          "notional_executed": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Notional Executed", "description": "Σ executed notional."}
        },
        "required": ["asset", "count", "size_requested", "size_executed", "notional_executed"]
      },
      "AssetFillTotals": {
        "type": "object",
        "title": "AssetFillTotals",
        "description": "The fills of one coin.",
        "properties": {
          "asset": {"type": "string", "title": "Asset"},
          "count": {"type": "integer", "minimum": 1, "title": "Count"},
          "size": {"type": "string", "title": "Size", "description": "Σ sz."},
          "notional": {"type": "string", "title": "Notional", "description": "Σ px × sz."},
          "closed_pnl": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Closed Pnl", "description": "Σ closed_pnl (null when no fill has one)."}
        },
        "required": ["asset", "count", "size", "notional", "closed_pnl"]
      },
      "FeeTotals": {
        "type": "object",
        "title": "FeeTotals",
        "description": "The fills that paid their fee in one token (null: fills without a fee token).",
        "properties": {
          "fee_token": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Fee Token"},
          "count": {"type": "integer", "minimum": 1, "title": "Count"},
          "fee": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Fee", "description": "Σ fee (negative: rebates exceed fees); null when no fill has one."}
        },
        "required": ["fee_token", "count", "fee"]
      },
      "Coverage": {
        "type": "object",
        "title": "Coverage",
        "properties": {
          "start": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "Start", "description": "The window asked for, normalised; null without one."},
          "end": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "End"},
          "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/DatasetCoverage"}, "title": "Datasets"},
          "other_objects": {"$ref": "#/components/schemas/OtherObjects"}
        },
        "required": ["start", "end", "datasets", "other_objects"]
      },
      "DatasetCoverage": {
        "type": "object",
        "title": "DatasetCoverage",
        "properties": {
          "dataset": {"type": "string", "enum": ["twap_statuses", "fills"], "title": "Dataset"},
          "prefix": {"type": "string", "title": "Prefix", "description": "The configured key prefix."},
          "first_hour": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "First Hour", "description": "The first hour an ingested object covers, whatever the window; null when none."},
          "last_hour": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "Last Hour", "description": "The start of the last hour an ingested object covers."},
          "objects_ingested": {"type": "integer", "minimum": 0, "title": "Objects Ingested", "description": "Objects loaded without error whose hours meet the range."},
          "complete": {"type": "boolean", "title": "Complete"},
          "missing_hours": {"type": "integer", "minimum": 0, "title": "Missing Hours", "description": "Hours of the range without an ingested object (an hour of a failed object included)."},
          "missing_range_count": {"type": "integer", "minimum": 0, "title": "Missing Range Count", "description": "How many runs of consecutive missing hours there are; `missing_ranges` lists the first 100."},
          "missing_ranges": {"type": "array", "items": {"$ref": "#/components/schemas/MissingRange"}, "maxItems": 100, "title": "Missing Ranges"},
          "failed_objects": {"type": "integer", "minimum": 0, "title": "Failed Objects", "description": "Objects whose latest attempt failed and whose hours meet the range, and failed objects of unknown layout."},
          "failures": {"type": "array", "items": {"$ref": "#/components/schemas/FailedObject"}, "maxItems": 100, "title": "Failures", "description": "The first 100 failed objects by key."},
          "unknown_layout": {"type": "integer", "minimum": 0, "title": "Unknown Layout", "description": "Objects whose key names no hour in a known layout, whatever the range."},
          "unknown_layout_keys": {"type": "array", "items": {"type": "string"}, "maxItems": 20, "title": "Unknown Layout Keys", "description": "The first 20 of them by key."},
          "last_success_at": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "Last Success At", "description": "When an object of the dataset was last loaded without error (the latest ingested_at of such an object); null when none was."}
        },
        "required": ["dataset", "prefix", "first_hour", "last_hour", "objects_ingested", "complete", "missing_hours", "missing_range_count", "missing_ranges", "failed_objects", "failures", "unknown_layout", "unknown_layout_keys", "last_success_at"]
      },
      "MissingRange": {
        "type": "object",
        "title": "MissingRange",
        "properties": {
          "start": {"type": "string", "format": "date-time", "title": "Start", "description": "The first missing hour."},
          "end": {"type": "string", "format": "date-time", "title": "End", "description": "The start of the last missing hour (inclusive)."},
          "hours": {"type": "integer", "minimum": 1, "title": "Hours"}
        },
        "required": ["start", "end", "hours"]
      },
      "FailedObject": {
        "type": "object",
        "title": "FailedObject",
        "properties": {
          "key": {"type": "string", "title": "Key"},
          "error": {"type": "string", "title": "Error", "description": "The logged error: one line, secrets masked."},
          "at": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "At", "description": "When the failure was logged."}
        },
        "required": ["key", "error", "at"]
      },
      "OtherObjects": {
        "type": "object",
        "title": "OtherObjects",
        "description": "Logged objects of no dataset: local files (`file://…`) and keys under no configured prefix.",
        "properties": {
          "objects": {"type": "integer", "minimum": 0, "title": "Objects"},
          "local_files": {"type": "integer", "minimum": 0, "title": "Local Files"},
          "failed_objects": {"type": "integer", "minimum": 0, "title": "Failed Objects"},
          "keys": {"type": "array", "items": {"type": "string"}, "maxItems": 20, "title": "Keys", "description": "The first 20 by key."}
        },
        "required": ["objects", "local_files", "failed_objects", "keys"]
      },
      "LastIngested": {
        "type": "object",
        "title": "LastIngested",
        "properties": {
          "s3_object_key": {"type": "string", "title": "S3 Object Key"},
          "last_modified": {"type": "string", "format": "date-time", "title": "Last Modified"},
          "ingested_at": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}], "title": "Ingested At"},
          "rows_ingested": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Rows Ingested"}
        },
        "required": ["s3_object_key", "last_modified", "ingested_at", "rows_ingested"]
      },
      "Health": {
        "type": "object",
        "title": "Health",
        "properties": {
          "status": {"type": "string", "enum": ["ok", "degraded", "unavailable"], "title": "Status", "description": "`degraded`: the primary does not answer but a read standby does, so reads are served (HTTP 200)."},
          "database": {"type": "string", "enum": ["ok", "unreachable", "error"], "title": "Database", "description": "The primary (DATABASE_URL). `unreachable`: no connection could be made in time; `error`: connected, but the query failed (e.g. the schema is missing)."},
          "last_ingested": {"anyOf": [{"$ref": "#/components/schemas/LastIngested"}, {"type": "null"}], "description": "The most recently ingested S3 object (successful ingests only); null when none."},
          "databases": {"type": "array", "items": {"$ref": "#/components/schemas/DatabaseHealth"}, "title": "Databases", "description": "The primary, then each standby of DATABASE_READ_URLS."}
        },
        "required": ["status", "database", "last_ingested", "databases"]
      },
      "DatabaseHealth": {
        "type": "object",
        "title": "DatabaseHealth",
        "properties": {
          "name": {"type": "string", "title": "Name", "examples": ["primary", "standby-1"]},
          "role": {"type": "string", "enum": ["primary", "standby", "unknown"], "title": "Role", "description": "What the server says it is (pg_is_in_recovery); `unknown` until a standby has been checked."},
          "status": {"type": "string", "enum": ["ok", "unreachable", "error", "lagging", "unchecked"], "title": "Status", "description": "For a standby, as its last health check (every second) found it; `lagging`: reachable but its replay trails by more than DATABASE_MAX_REPLICA_LAG_S (or by an unknown amount), or a query on it just failed."},
          "in_rotation": {"type": "boolean", "title": "In Rotation", "description": "Serving reads now. The primary always is: it answers every read no standby can."},
          "lag_seconds": {"anyOf": [{"type": "number"}, {"type": "null"}], "title": "Lag Seconds", "description": "A standby's replay lag at its last check; null for the primary or when unknown."},
          "queries": {"type": "integer", "title": "Queries", "description": "Statements this process has run on the database."}
        },
        "required": ["name", "role", "status", "in_rotation", "lag_seconds", "queries"]
      },
      "HTTPError": {
        "type": "object",
        "title": "HTTPError",
        "properties": {"detail": {"type": "string", "title": "Detail"}},
        "required": ["detail"]
      },
      "ValidationError": {
        "type": "object",
        "title": "ValidationError",
        "properties": {
          "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}, "title": "Location"},
          "msg": {"type": "string", "title": "Message"},
          "type": {"type": "string", "title": "Error Type"},
          "input": {"title": "Input"},
          "ctx": {"type": "object", "title": "Context"}
        },
        "required": ["loc", "msg", "type"]
      },
      "HTTPValidationError": {
        "type": "object",
        "title": "HTTPValidationError",
        "properties": {
          "detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}, "title": "Detail"}
        },
        "required": ["detail"]
      }
    },
    "responses": {
      "ValidationError": {
        "description": "A query parameter is missing or invalid (FastAPI's shape).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}
      },
      "NotFound": {
        "description": "Not Found.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "MethodNotAllowed": {
        "description": "Only GET is served on this path (and OPTIONS preflight when CORS is on).",
        "headers": {"Allow": {"description": "The methods this path serves.", "schema": {"type": "string"}}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "BadRequest": {
        "description": "The request is not valid HTTP or its target is not a valid URL.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "ContentTooLarge": {
        "description": "The request body is larger than the server accepts.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "RequestHeaderFieldsTooLarge": {
        "description": "The request line and headers exceed 8 KiB.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      },
      "DatabaseUnavailable": {
        "description": "The database is unreachable or too busy; retry later.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
      }
    }
  }
}
)json";

}  // namespace

std::string OpenApiDocument(std::string_view version) {
  boost::json::value doc = boost::json::parse(kOpenApiJson);
  doc.as_object()["info"].as_object()["version"] = version;
  return boost::json::serialize(doc);
}

}  // namespace hltwap::api
