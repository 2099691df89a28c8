import { AsyncLocalStorage } from "node:async_hooks";
import type { ClientRequest } from "node:http";
import type { Agent, PipelinePolicy } from "@azure/core-rest-pipeline";

/**
 * The lookup's deadline, for the token requests a credential sends on its behalf. The identity library
 * does not hand a `getToken` caller's `abortSignal` to the HTTP requests of a client-secret or certificate
 * sign-in (MSAL sends them), so the signal travels with the call's async context instead.
 */
const lookupDeadline = new AsyncLocalStorage<AbortSignal>();

/** A signal as the Azure SDK types it; the lookup's deadline is a real `AbortSignal`. */
type SignalLike = AbortSignal | { readonly aborted: boolean };

/** Runs `work` (one `getToken`) with every token request it sends ended when `signal` aborts. */
export function withTokenDeadline<T>(signal: SignalLike | undefined, work: () => Promise<T>): Promise<T> {
  return signal instanceof AbortSignal ? lookupDeadline.run(signal, work) : work();
}

/**
 * A pipeline policy for the identity library's token requests (position `perCall`, after its
 * `proxyPolicy`): nothing a lookup starts outlives its deadline.
 * - The request is aborted at the deadline of the lookup that asked for the token.
 * - A proxy agent is swapped for one of the same kind whose socket to the proxy ends with the request:
 *   `https-proxy-agent` leaves it open while a proxy accepts and never answers CONNECT, which kept the
 *   process alive after the lookup had failed.
 * - That agent's proxy URL holds no credentials: the library's request log (`AZURE_LOG_LEVEL=info`)
 *   prints the agent, so they go as a `Proxy-Authorization` header from a function, which it does not.
 */
export function tokenRequestBoundsPolicy(): PipelinePolicy {
  return {
    name: "galleryLookupTokenRequestBounds",
    sendRequest(request, next) {
      const deadline = lookupDeadline.getStore();
      const own = request.abortSignal;
      if (deadline !== undefined) {
        // The library's own signal (it aborts a credential's requests on its side) is kept alongside.
        request.abortSignal = own instanceof AbortSignal ? AbortSignal.any([own, deadline]) : deadline;
      }
      if (request.agent !== undefined) request.agent = boundedProxyAgent(request.agent);
      return next(request);
    },
  };
}

/** Proxy agents (`https-proxy-agent`, `http-proxy-agent`: both have `proxy` and `connectOpts`). */
interface ProxyAgent extends Agent {
  proxy: URL;
  connectOpts: object;
  connect(request: ClientRequest, options: object): Promise<unknown>;
}

const isProxyAgent = (agent: Agent): agent is ProxyAgent =>
  (agent as Partial<ProxyAgent>).proxy instanceof URL &&
  typeof (agent as Partial<ProxyAgent>).connectOpts === "object";

/** Agents given to token requests, and the stand-in each was given. */
const standIns = new WeakMap<Agent, Agent>();

/** `agent` itself when it is not a proxy agent, else its stand-in (see {@link tokenRequestBoundsPolicy}). */
export function boundedProxyAgent(agent: Agent): Agent {
  if (!isProxyAgent(agent)) return agent;
  let standIn = standIns.get(agent);
  if (standIn === undefined) {
    const { proxy } = agent;
    const bare = new URL(proxy.href);
    bare.username = "";
    bare.password = "";
    const basic =
      proxy.username === "" && proxy.password === ""
        ? undefined
        : Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString(
            "base64",
          );
    // Both agent kinds take the same arguments, and call a `headers` function per CONNECT or request.
    const SameKind = agent.constructor as new (
      proxy: URL,
      options: { headers?: () => Record<string, string> },
    ) => ProxyAgent;
    class Bounded extends SameKind {
      override connect(request: ClientRequest, options: object): Promise<unknown> {
        return connectEndedWithRequest(this, request, () => super.connect(request, options));
      }
    }
    standIn = new Bounded(
      bare,
      basic === undefined ? {} : { headers: () => ({ "Proxy-Authorization": `Basic ${basic}` }) },
    );
    standIns.set(agent, standIn);
  }
  return standIn;
}

/**
 * Runs a proxy agent's `connect` so that destroying `request` before the proxy answered also ends the
 * socket to the proxy. Node destroys a request that has no socket yet without telling the agent, which
 * would keep that socket, and the process, alive as long as the proxy stays silent. The proxy socket is
 * opened synchronously from `connectOpts` inside `connect`, so the signal is put there for that call only.
 */
export function connectEndedWithRequest<T>(
  agent: { connectOpts: object },
  request: ClientRequest,
  connect: () => Promise<T>,
): Promise<T> {
  const abandoned = new AbortController();
  const destroy = request.destroy.bind(request);
  request.destroy = (error?: Error) => {
    abandoned.abort();
    return destroy(error);
  };
  const shared = agent.connectOpts;
  agent.connectOpts = { ...shared, signal: abandoned.signal };
  try {
    // Once the tunnel stands (or failed), destroying the request ends its socket as usual.
    return connect().finally(() => delete (request as { destroy?: unknown }).destroy);
  } finally {
    agent.connectOpts = shared;
  }
}
