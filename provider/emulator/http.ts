// Small helpers shared by the ARM, Entra and control halves: one answer type and ARM's error shape.
import { randomUUID } from "node:crypto";

/** One answer, built in full before anything is written, so that faults can delay, cut or replace it. */
export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A request after parsing: path segments and query names/values percent-decoded. */
export interface ParsedRequest {
  method: string;
  /** Decoded path without query, for the journal. */
  path: string;
  segments: string[];
  /** Query as sent (names decoded, case kept). */
  query: Record<string, string>;
  /** Query names lower-cased, for ARM's case-insensitive lookup. */
  queryLower: Map<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export const JSON_TYPE = "application/json; charset=utf-8";

export const newGuid = (): string => randomUUID();

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers: { "content-type": JSON_TYPE, ...headers },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** ARM's error envelope: `{"error":{"code","message"}}`. */
export function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return jsonResponse(status, { error: { code, message } }, headers);
}

/** Splits and percent-decodes a request target; throws URIError on a malformed escape. */
export function parseTarget(method: string, url: string, headers: ParsedRequest["headers"]): ParsedRequest {
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? "" : url.slice(q + 1);
  const segments = rawPath
    .split("/")
    .filter((s) => s.length > 0)
    .map((s) => decodeURIComponent(s));
  const query: Record<string, string> = {};
  const queryLower = new Map<string, string>();
  for (const pair of rawQuery.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? "" : decode(pair.slice(eq + 1));
    query[name] = value;
    queryLower.set(name.toLowerCase(), value);
  }
  return { method, path: "/" + segments.join("/"), segments, query, queryLower, headers };
}

/** ARM's routing id: `REGION:YYYYMMDDTHHMMSSZ:guid`. */
export function routingRequestId(region: string, requestId: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${region.toUpperCase()}:${stamp}:${requestId}`;
}
