import type { Agent, PipelinePolicy } from "@azure/core-rest-pipeline";

/** Agents with credentials in their proxy URL, and the stand-in each was given. */
const standIns = new WeakMap<Agent, Agent>();

/**
 * A pipeline policy, placed after the library's `proxyPolicy` (position `perCall`): the proxy agent that
 * policy puts on a request holds the proxy URL with its user and password, and the library's request
 * log (`AZURE_LOG_LEVEL=info`) prints the request, agent and all. This swaps it for the same kind of
 * agent whose proxy URL has no credentials and which sends them as a `Proxy-Authorization` header from
 * a function, which the log does not print. The proxy sees the same CONNECT either way.
 */
export function logSafeProxyPolicy(): PipelinePolicy {
  return {
    name: "logSafeProxyPolicy",
    sendRequest(request, next) {
      if (request.agent !== undefined) request.agent = logSafeAgent(request.agent);
      return next(request);
    },
  };
}

/** `agent` itself when its proxy URL (if any) holds no credentials, else its log-safe stand-in. */
export function logSafeAgent(agent: Agent): Agent {
  const proxy = (agent as { proxy?: unknown }).proxy;
  if (!(proxy instanceof URL) || (proxy.username === "" && proxy.password === "")) return agent;
  let standIn = standIns.get(agent);
  if (standIn === undefined) {
    const bare = new URL(proxy.href);
    bare.username = "";
    bare.password = "";
    const basic = Buffer.from(
      `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`,
    ).toString("base64");
    // https-proxy-agent and http-proxy-agent (the two the proxy policy uses) take the same arguments,
    // and call a `headers` function for each CONNECT or proxied request.
    const SameKind = agent.constructor as new (
      proxy: URL,
      options: { headers: () => Record<string, string> },
    ) => Agent;
    standIn = new SameKind(bare, { headers: () => ({ "Proxy-Authorization": `Basic ${basic}` }) });
    standIns.set(agent, standIn);
  }
  return standIn;
}
