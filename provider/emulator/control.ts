// The HTTP control API under /_emulator/: the in-process handle's methods for other processes
// (a CLI-started emulator, a Pulumi program under test). ARM never uses this prefix.
import type { IncomingMessage } from "node:http";
import { armError, type EmulatorResponse, jsonResponse, type ParsedRequest } from "./http";
import type { EmulatorHandle, FaultSpec, SeedGallery } from "./types";

const ok = (body: unknown = { ok: true }) => jsonResponse(200, body);

/** Answers `/_emulator/...`; `body` is the parsed JSON request body (undefined when empty). */
export function handleControl(req: ParsedRequest, body: unknown, handle: EmulatorHandle): EmulatorResponse {
  const route = req.segments.slice(1).join("/").toLowerCase();
  const m = req.method;
  try {
    switch (`${m} ${route}`) {
      case "GET ":
      case "GET info":
        return ok({
          armEndpoint: handle.armEndpoint,
          authorityHost: handle.authorityHost,
          tenantId: handle.tenantId,
          clientId: handle.clientId,
          subscriptionId: handle.subscriptionId,
          resourceGroupName: handle.resourceGroupName,
          caCertFile: handle.caCertFile,
          galleries: handle.galleries(),
          tokensIssued: handle.tokensIssued(),
        });
      case "GET galleries":
        return ok(handle.galleries());
      case "POST galleries":
      case "PUT galleries":
        for (const seed of (Array.isArray(body) ? body : [body]) as SeedGallery[]) handle.putGallery(seed);
        return ok({ galleries: handle.galleries() });
      case "PATCH galleries": {
        const id = req.query.id;
        if (!id) return armError(400, "InvalidRequest", "PATCH /_emulator/galleries needs ?id=<ARM id>");
        handle.patchGallery(id, body ?? {});
        return ok();
      }
      case "DELETE galleries": {
        const id = req.query.id;
        if (!id) return armError(400, "InvalidRequest", "DELETE /_emulator/galleries needs ?id=<ARM id>");
        return ok({ removed: handle.removeGallery(id) });
      }
      case "POST faults":
        for (const fault of (Array.isArray(body) ? body : [body]) as FaultSpec[]) handle.injectFault(fault);
        return ok();
      case "DELETE faults":
        handle.clearFaults();
        return ok();
      case "GET journal":
        return ok(handle.journal());
      case "DELETE journal":
        handle.clearJournal();
        return ok();
      case "POST hold": {
        const count = (body as { count?: unknown } | undefined)?.count;
        handle.holdAnswers(typeof count === "number" ? count : NaN);
        return ok();
      }
      case "DELETE hold":
        handle.releaseAnswers();
        return ok();
      case "PUT throttle":
      case "POST throttle":
        handle.setThrottle(body ?? {});
        return ok();
      case "POST revoke-tokens":
        handle.revokeTokens();
        return ok();
      case "POST claims-challenge": {
        const claims = (body as { claims?: unknown } | undefined)?.claims;
        handle.requireClaims(typeof claims === "string" ? claims : undefined);
        return ok();
      }
      case "GET token-requests":
        return ok(handle.tokenRequests());
      case "POST expire-tokens":
        handle.expireTokens();
        return ok();
      case "GET tokens":
        return ok({ issued: handle.tokensIssued() });
      default:
        return armError(404, "NotFound", `No control route '${m} /_emulator/${route}'.`);
    }
  } catch (err) {
    return armError(400, "InvalidRequest", err instanceof Error ? err.message : String(err));
  }
}

/**
 * The control API changes what the emulator serves and has no sign-in, so only a client on this machine that
 * names the emulator itself may use it: a web page (any Origin but the emulator's own, a CORS preflight) or a
 * DNS-rebound name (any Host but 127.0.0.1 or localhost at this port) is refused. A browser's cross-origin
 * `text/plain` POST needs no preflight, but it always carries its Origin.
 */
export function controlRefusal(req: IncomingMessage, port: number): EmulatorResponse | undefined {
  const own = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (req.method === "OPTIONS") {
    return armError(
      403,
      "CrossOriginRefused",
      "The control API answers no cross-origin requests: preflight refused.",
    );
  }
  const host = req.headers.host?.toLowerCase();
  if (!host || !own.includes(host)) {
    return armError(403, "HostRefused", `The control API answers only requests for ${own.join(" or ")}.`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !own.map((h) => `https://${h}`).includes(origin.toLowerCase())) {
    return armError(403, "CrossOriginRefused", "The control API answers no cross-origin requests.");
  }
  return undefined;
}
