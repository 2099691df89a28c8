// Text from outside (an answer's body, a CloudError's message, an id, a header) is sanitized for a
// message in time linear in what is read: a proxy or gateway answering with a body at the byte cap,
// shaped to make a backtracking pattern rescan it from every position, neither holds the lookup past its
// deadline nor blocks the event loop. The lookups run in a child, so a blocked one can be killed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { ServerResponse } from "node:http";
import fc from "fast-check";
import { SETTING_DEFAULTS } from "#internal/settings/settings";
import { startHttpsServer, type TestHttpsServer } from "../support/httpsServer";
import { GALLERY } from "../support/transportFixtures";

const DEADLINE_MS = 5_000;
/** The longest the event loop may be blocked during one lookup. */
const BLOCKED_BOUND_MS = 100;
/** Just under GALLERY_LOOKUP_MAX_RESPONSE_BYTES' default, so that every body is read whole. */
const BODY_BYTES = SETTING_DEFAULTS.maxResponseBytes - 1024;

interface HostileCase {
  name: string;
  answer(res: ServerResponse): void;
}

/** `unit` repeated to `bytes` bytes (ASCII units). */
const fill = (unit: string, bytes = BODY_BYTES): string =>
  unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);

const text =
  (status: number, body: string, headers: Record<string, string> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(status, { "content-type": "text/html", ...headers });
    res.end(body);
  };
const json = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
};
/** Room for the JSON around a string value, so the whole body stays under the cap. */
const inJson = (unit: string): string => fill(unit, BODY_BYTES - 512);

/** Pieces that start a match of a markup, token or key pattern and never let it end. */
const PIECES = [
  "<",
  "<a",
  "eyJ",
  "eyJabcd",
  ".",
  "bearer",
  " ",
  "\t",
  "access_token",
  "=",
  '"',
  "a",
  "-",
  "\\u00",
];
const unit = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }).map((p) => p.join(""));
const where = fc.constantFrom("body", "message", "id");

function generated(seed: number, runs: number): HostileCase[] {
  return fc.sample(fc.tuple(unit, where), { seed, numRuns: runs }).map(([u, w], i) => ({
    name: `generated ${i}: ${JSON.stringify(u)} in the ${w}`,
    answer:
      w === "body"
        ? text(200, fill(u))
        : w === "message"
          ? json(400, { error: { code: "BadRequest", message: inJson(u) } })
          : json(200, { ...GALLERY, id: inJson(u) }),
  }));
}

const WORST: HostileCase[] = [
  { name: "a 200 of `<` without `>`", answer: text(200, fill("<")) },
  { name: "a 502 of `<a` without `>`", answer: text(502, fill("<a")) },
  { name: "a 200 of `eyJ` without a dot", answer: text(200, fill("eyJ")) },
  { name: "a 200 of `eyJabcd.` dots", answer: text(200, fill("eyJabcd.")) },
  { name: "a 404 of `bearer` and spaces", answer: text(404, fill("bearer  ")) },
  { name: "a 200 of `access_token` and spaces", answer: text(200, fill("access_token   ")) },
  {
    name: "a CloudError whose message is `<` without `>`",
    answer: json(400, { error: { code: "BadRequest", message: inJson("<") } }),
  },
  {
    name: "a CloudError whose message is `eyJ` without a dot",
    answer: json(403, { error: { code: "AuthorizationFailed", message: inJson("eyJ") } }),
  },
  { name: "a 200 whose id is `<` without `>`", answer: json(200, { ...GALLERY, id: inJson("<") }) },
  {
    name: "an x-ms-request-id header of `<` without `>`",
    answer: text(200, "not json", { "x-ms-request-id": fill("<", 15_000) }),
  },
];

interface Line {
  outcome: string;
  ms: number;
  blockedMs: number;
  /** Set when the first run was blocked past the bound: the same lookup's second run. */
  againBlockedMs?: number;
}

/** Runs one lookup per case in a child; a lookup that does not end by its deadline (plus slack) is killed. */
function runChild(server: TestHttpsServer, count: number): Promise<{ lines: Line[]; killed: boolean }> {
  const script = path.join(__dirname, "..", "support", "hostileBodyChild.js");
  const child = spawn(process.execPath, [script], {
    env: {
      PATH: process.env.PATH ?? "",
      AZURE_RESOURCE_MANAGER_ENDPOINT: server.url,
      HOSTILE_BODY_CA: server.ca,
      HOSTILE_BODY_CASES: String(count),
      HOSTILE_BODY_BOUND_MS: String(BLOCKED_BOUND_MS),
      GALLERY_LOOKUP_MAX_RETRIES: "0",
      GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: String(DEADLINE_MS),
      GALLERY_LOOKUP_DEADLINE_MS: String(DEADLINE_MS),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const lines: Line[] = [];
    let buffered = "";
    let killed = false;
    let watchdog: NodeJS.Timeout | undefined;
    // Module loading and the first TLS handshake come before the first lookup: a longer first wait.
    const arm = (ms: number) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        killed = true;
        child.kill("SIGKILL");
      }, ms);
    };
    arm(DEADLINE_MS + 10_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf("\n")) !== -1) {
        lines.push(JSON.parse(buffered.slice(0, end)) as Line);
        buffered = buffered.slice(end + 1);
        arm(DEADLINE_MS + 3_000);
      }
    });
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(watchdog);
      resolve({ lines, killed });
    });
  });
}

describe("hostile bodies at the byte cap are sanitized in linear time (getGallery in a child)", function () {
  this.timeout(300_000);
  let server: TestHttpsServer;
  before(async () => {
    server = await startHttpsServer();
  });
  after(() => server.close());

  function check(cases: HostileCase[]) {
    return async () => {
      // Gallery `hostileN` is answered with case N; any other (the child's warm-up lookup) with a gallery.
      server.reset((req, res) => {
        const n = /\/galleries\/hostile(\d+)/.exec(req.url ?? "")?.[1];
        if (n === undefined) json(200, GALLERY)(res);
        else cases[Number(n)].answer(res);
      });
      const { lines, killed } = await runChild(server, cases.length);
      const stuck = cases[lines.length]?.name;
      assert.ok(
        !killed,
        `${stuck ?? "the child"} held the lookup more than 3 s past its deadline of ${DEADLINE_MS} ms`,
      );
      assert.equal(lines.length, cases.length);
      lines.forEach((line, i) => {
        const name = cases[i].name;
        assert.doesNotMatch(line.outcome, /^ok|LookupTimeoutError/, `${name}: ${line.outcome.slice(0, 200)}`);
        assert.ok(line.outcome.length < 2_000, `${name}: a message of ${line.outcome.length} characters`);
        assert.ok(line.ms < DEADLINE_MS, `${name}: the lookup took ${Math.round(line.ms)} ms`);
        const blocked = Math.min(line.blockedMs, line.againBlockedMs ?? Infinity);
        assert.ok(
          blocked <= BLOCKED_BOUND_MS,
          `${name}: the event loop was blocked for ${Math.round(line.blockedMs)} ms, then ${Math.round(blocked)} ms`,
        );
      });
    };
  }

  it(
    "the known worst shapes: `<` runs, `eyJ` runs, key and bearer runs, in a body, a message, an id, a header",
    check(WORST),
  );

  const seed = Date.now() % 1_000_000;
  it(
    `generated shapes from adversarial pieces, in a body, a message or an id (seed ${seed})`,
    check(generated(seed, 12)),
  );
});
