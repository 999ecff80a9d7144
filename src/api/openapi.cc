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
    {"name": "twaps", "description": "TWAP orders and their status rows"},
    {"name": "operations", "description": "Health, metrics and documentation"}
  ],
  "paths": {
    "/api/v1/twaps": {
      "get": {
        "tags": ["twaps"],
        "operationId": "list_twaps",
        "summary": "A wallet's TWAPs in a time range",
        "description": "Rows of `wallet` with `start <= ts <= end` (and `asset`, when given), grouped by `twap_id`. Each TWAP's fields come from its latest row (max `ts`) in the window. TWAPs are ordered by ascending (`latest_ts`, `twap_id`) and paged: `limit` counts TWAPs, and `next_cursor`, when not null, is passed as `cursor` to get the next page. With `latest_per_twap=false` every TWAP also carries `rows`: all its rows in the window, ascending by `ts`.",
        "parameters": [
          {"name": "wallet", "in": "query", "required": true, "description": "Wallet address (matched case-insensitively: it is lowercased).", "schema": {"type": "string", "minLength": 1, "title": "Wallet"}, "example": "0x8c2a5f3e1b7d4c6a9e0f1d2c3b4a5968778695a4"},
          {"name": "start", "in": "query", "required": true, "description": "Window start, inclusive. ISO-8601 / RFC 3339 with `Z` or an offset; without a zone it is UTC; a bare date means its midnight UTC.", "schema": {"type": "string", "format": "date-time", "title": "Start"}, "example": "2025-11-01T00:00:00Z"},
          {"name": "end", "in": "query", "required": true, "description": "Window end, inclusive; not earlier than `start`. Same forms as `start`.", "schema": {"type": "string", "format": "date-time", "title": "End"}, "example": "2025-11-04T00:00:00Z"},
          {"name": "asset", "in": "query", "required": false, "description": "Only TWAPs of this coin (exact match, e.g. `BTC`, `xyz:NVDA`, `@107`).", "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Asset"}},
          {"name": "latest_per_twap", "in": "query", "required": false, "description": "`true`: one object per TWAP from its latest row. `false`: each object also carries `rows`, all the TWAP's rows in the window. Accepts true/false, 1/0, yes/no, on/off, t/f, y/n.", "schema": {"type": "boolean", "default": true, "title": "Latest Per Twap"}},
          {"name": "limit", "in": "query", "required": false, "description": "Most TWAPs in one page.", "schema": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 500, "title": "Limit"}},
          {"name": "cursor", "in": "query", "required": false, "description": "The `next_cursor` of the previous page (opaque).", "schema": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Cursor"}}
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
        "description": "All status rows of the TWAP, ascending by `ts`.",
        "parameters": [
          {"name": "twap_id", "in": "path", "required": true, "schema": {"type": "string", "title": "Twap Id"}, "example": "568722"}
        ],
        "responses": {
          "200": {"description": "The TWAP's rows.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwapRowsResponse"}}}},
          "400": {"$ref": "#/components/responses/BadRequest"},
          "404": {"description": "No row has this twap_id: `{\"detail\": \"TWAP <id> not found\"}`.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
          "405": {"$ref": "#/components/responses/MethodNotAllowed"},
          "413": {"$ref": "#/components/responses/ContentTooLarge"},
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
          "200": {"description": "The database answers.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
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
        "summary": "A small HTML page with links to the documentation, health, metrics and an example query",
        "responses": {
          "200": {"description": "HTML index.", "content": {"text/html": {"schema": {"type": "string"}}}},
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
          "rows": {"type": "array", "items": {"$ref": "#/components/schemas/TwapRow"}, "title": "Rows", "description": "Only with latest_per_twap=false: every row of the TWAP in the window, ascending by ts."}
        },
        "required": ["twap_id", "asset", "side", "status", "duration_minutes", "latest_ts", "executed", "raw", "size_requested", "created_at"]
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
          "rows": {"type": "array", "items": {"$ref": "#/components/schemas/TwapRow"}, "title": "Rows"}
        },
        "required": ["twap_id", "rows"]
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
          "status": {"type": "string", "enum": ["ok", "unavailable"], "title": "Status"},
          "database": {"type": "string", "enum": ["ok", "unreachable", "error"], "title": "Database", "description": "`unreachable`: no connection could be made in time; `error`: connected, but the query failed (e.g. the schema is missing)."},
          "last_ingested": {"anyOf": [{"$ref": "#/components/schemas/LastIngested"}, {"type": "null"}], "description": "The most recently ingested S3 object (successful ingests only); null when none."}
        },
        "required": ["status", "database", "last_ingested"]
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
