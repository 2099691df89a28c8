// The fault cases of the reliability tests, shared by the getGallery and the provider host runs.
import type { ArmClient } from "#internal/arm/armClient";
import type { EmulatorHandle, FaultSpec } from "#internal/emulator/index";
import { getGallery } from "pulumi-azure-gallery-lookup";
import { FAST_SETTINGS } from "./reliability";

export const DEADLINE_MS = Number(FAST_SETTINGS.GALLERY_LOOKUP_DEADLINE_MS);
export const ATTEMPT_TIMEOUT_MS = Number(FAST_SETTINGS.GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS);
export const MAX_ATTEMPTS = 1 + Number(FAST_SETTINGS.GALLERY_LOOKUP_MAX_RETRIES);
export const ALWAYS = 50;

export const armError = (code: string, message: string) => ({ error: { code, message } });
const HTML_PAGE =
  "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>corp-proxy</p></body></html>";

/** One fault: how to provoke it and what must happen. */
export interface FaultCase {
  name: string;
  faults?: FaultSpec[];
  /** Runs after the journal is cleared and before the lookup (e.g. revokeTokens). */
  before?: (emulator: EmulatorHandle, client: ArmClient) => Promise<void> | void;
  settings?: Record<string, string>;
  galleryName?: string;
  /** Success, or the error class the user gets. */
  expect: string;
  /** The message must match (failures only). */
  message?: RegExp;
  /** ARM requests: exactly this many, or at most `maxArm`. */
  arm?: number;
  maxArm?: number;
}

/**
 * A server error that clears after one retry, and, given the message it must end with, the same error at
 * every attempt. `label` follows the status in the case names.
 */
function serverError(status: number, code: string, text: string, always?: RegExp, label = ""): FaultCase[] {
  const body = armError(code, text);
  const once: FaultCase = {
    name: `${status}${label}, once`,
    faults: [{ status, body }],
    expect: "success",
    arm: 2,
  };
  if (!always) return [once];
  return [
    once,
    {
      name: `${status}${label}, every time`,
      faults: [{ status, times: ALWAYS, body }],
      expect: "ArmRequestError",
      message: always,
      arm: MAX_ATTEMPTS,
    },
  ];
}

export const FAULT_CASES: FaultCase[] = [
  {
    name: "429 with Retry-After: 1 (seconds), once",
    faults: [
      { status: 429, headers: { "retry-after": "1" }, body: armError("TooManyRequests", "Throttled.") },
    ],
    expect: "success",
    arm: 2,
  },
  {
    name: "429 with Retry-After as an HTTP date (~2 s ahead), once",
    faults: [
      {
        status: 429,
        // Filled in when the case runs: an HTTP date has whole-second resolution.
        headers: { "retry-after": "DATE+2" },
        body: armError("TooManyRequests", "Throttled."),
      },
    ],
    expect: "success",
    arm: 2,
  },
  {
    name: "429 with Retry-After: 1, every time",
    faults: [
      {
        status: 429,
        times: ALWAYS,
        headers: { "retry-after": "1" },
        body: armError("TooManyRequests", "Throttled."),
      },
    ],
    expect: "ThrottledError",
    message: /throttl/i,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "429 with Retry-After: 30 (past the deadline)",
    faults: [
      { status: 429, headers: { "retry-after": "30" }, body: armError("TooManyRequests", "Throttled.") },
    ],
    expect: "ThrottledError",
    message: /deadline/,
    arm: 1,
  },
  {
    name: "503 with Retry-After: 1, once",
    faults: [{ status: 503, headers: { "retry-after": "1" }, body: armError("ServiceUnavailable", "Busy.") }],
    expect: "success",
    arm: 2,
  },
  ...serverError(503, "ServiceUnavailable", "Busy.", /HTTP 503 ServiceUnavailable/, " without Retry-After"),
  ...serverError(500, "InternalServerError", "Oops.", /HTTP 500 InternalServerError.*3 attempts/),
  ...serverError(502, "BadGateway", "Bad gateway."),
  ...serverError(504, "GatewayTimeout", "Gateway timeout.", /HTTP 504/),
  { name: "connection reset, once", faults: [{ reset: true }], expect: "success", arm: 2 },
  {
    name: "connection reset, every time",
    faults: [{ reset: true, times: ALWAYS }],
    expect: "ConnectionError",
    message: /got no answer.*ECONNRESET/,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "stall 0.8 s (> 500 ms attempt timeout), once",
    faults: [{ delayMs: 800 }],
    expect: "success",
    arm: 2,
  },
  {
    name: "stall 0.8 s, every time",
    faults: [{ delayMs: 800, times: ALWAYS }],
    expect: "ConnectionError",
    message: /ATTEMPT_TIMEOUT/,
    arm: MAX_ATTEMPTS,
  },
  { name: "truncated body, once", faults: [{ truncate: true }], expect: "success", arm: 2 },
  {
    name: "truncated body, every time",
    faults: [{ truncate: true, times: ALWAYS }],
    expect: "ConnectionError",
    message: /got no answer/,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "proxy HTML page with 200 (text/html)",
    faults: [{ status: 200, headers: { "content-type": "text/html" }, body: HTML_PAGE }],
    expect: "InvalidResponseError",
    message: /not JSON.*text\/html.*proxy/,
    arm: 1,
  },
  {
    name: "proxy HTML page with 502 (text/html), every time",
    faults: [{ status: 502, times: ALWAYS, headers: { "content-type": "text/html" }, body: HTML_PAGE }],
    expect: "InvalidResponseError",
    message: /not an ARM CloudError.*HTTP 502.*text\/html/,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "401 once (tokens revoked): a new token from past the caches, then served",
    before: async (emulator, client) => {
      await getGallery(galleryArgs(emulator), { client });
      emulator.clearJournal();
      emulator.revokeTokens();
    },
    expect: "success",
    arm: 2,
  },
  {
    name: "401 every time",
    faults: [
      {
        status: 401,
        times: ALWAYS,
        body: armError("InvalidAuthenticationToken", "The access token is invalid."),
      },
    ],
    expect: "AuthenticationFailedError",
    message: /refused the token, then also a new, different one obtained after the first 401.*az login/,
    arm: 2,
  },
  {
    name: "403 AuthorizationFailed",
    faults: [
      {
        status: 403,
        times: ALWAYS,
        body: armError(
          "AuthorizationFailed",
          "The client 'c1' with object id 'o1' does not have authorization to perform action " +
            "'Microsoft.Compute/galleries/read' over scope '/subscriptions/5b5b5b5b-0000-4000-8000-000000000003/" +
            "resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGalleryName' or the scope is invalid.",
        ),
      },
    ],
    expect: "AuthorizationFailedError",
    message: /may not perform 'Microsoft\.Compute\/galleries\/read' over '\/subscriptions\/.*myGalleryName'/,
    arm: 1,
  },
  {
    name: "404 gallery missing",
    galleryName: "noSuchGallery",
    expect: "GalleryNotFoundError",
    message: /Gallery 'noSuchGallery' does not exist in resource group 'myResourceGroup'/,
    arm: 1,
  },
  {
    name: "body larger than the cap (200 KB, cap 64 KiB)",
    settings: { GALLERY_LOOKUP_MAX_RESPONSE_BYTES: "65536" },
    faults: [
      {
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "x", pad: "x".repeat(200_000) }),
      },
    ],
    expect: "InvalidResponseError",
    message: /larger than 65536 bytes/,
    arm: 1,
  },
];

export function galleryArgs(emulator: EmulatorHandle, galleryName = "myGalleryName") {
  return {
    subscriptionId: emulator.subscriptionId,
    resourceGroupName: emulator.resourceGroupName,
    galleryName,
  };
}
