// Reading GalleryLookups out of every shape of Pulumi state, and recognising ours among dynamic resources.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { decodePropertyValue } from "#internal/drift/propertyValues";
import { recogniseResource } from "#internal/drift/recognise";
import { readStateDocument, StateFormatError } from "#internal/drift/state";
import {
  baseResources,
  checkpointDocument,
  ciphertext,
  exportDocument,
  lookupProviderText,
  outputValue,
  plaintext,
  STATE_ARGS,
  STATE_OBSERVED,
  STATE_SUB,
  storedLookup,
  type Json,
} from "../support/driftState";

const SUB = STATE_SUB;
const args = STATE_ARGS;
const observed = STATE_OBSERVED;

describe("drift: reading Pulumi state", () => {
  let provider: string;
  before(async () => {
    provider = await lookupProviderText();
  });

  const lookup = (extra: Parameters<typeof storedLookup>[1] = {}): Json => storedLookup(provider, extra);
  const read = (doc: unknown) => readStateDocument(JSON.stringify(doc), "state.json");

  it("the provider text, today's, the serializer's and 0.1.0's, carries a marker the recogniser looks for", () => {
    assert.equal(recogniseResource(true, "pulumi-nodejs:dynamic:Resource", provider), "lookup");
    for (const fixture of ["serialized-provider-0.1.0.js", "serialized-provider-a162aca.js"]) {
      const old = fs.readFileSync(
        path.join(__dirname, "..", "..", "..", "test", "fixtures", fixture),
        "utf8",
      );
      assert.equal(recogniseResource(true, "pulumi-nodejs:dynamic:Resource", old), "lookup", fixture);
    }
    assert.equal(recogniseResource(true, "pulumi-nodejs:dynamic:Resource", "exports.handler = {}"), "other");
  });

  it("`pulumi stack export` (schema 3): finds the lookup, its stack from the URN, inputs and outputs", () => {
    const doc = read(exportDocument([...baseResources("p", "dev"), lookup()]));
    assert.equal(doc.resources, 3);
    assert.equal(doc.lookups.length, 1);
    const [l] = doc.lookups;
    assert.equal(l.stack, "p/dev");
    assert.equal(l.source, "state.json");
    assert.deepEqual(l.inputs, args, "__provider is dropped");
    assert.deepEqual(l.outputs, { ...args, ...observed });
    assert.equal(l.id, observed.resourceId);
    assert.deepEqual([l.secretKeys, l.encryptedKeys], [[], []]);
  });

  it("schema 4 with output values reads their values; a secret output value is marked secret", () => {
    const res = lookup({
      outputs: { ...args, resourceId: outputValue(observed.resourceId), tags: outputValue({ a: "1" }, true) },
    });
    const [l] = read(exportDocument([res], 4)).lookups;
    assert.deepEqual(l.outputs, { ...args, ...observed });
    assert.deepEqual(l.secretKeys, ["tags"]);
  });

  it("the self-managed backend's checkpoint, and one never deployed (latest null)", () => {
    assert.equal(read(checkpointDocument("organization/p/dev", [lookup()])).lookups.length, 1);
    assert.deepEqual(read(checkpointDocument("organization/p/dev", null)).lookups, []);
  });

  it("a bare deployment (`jq .deployment`) is read too", () => {
    assert.equal(read({ manifest: {}, resources: [lookup()] }).lookups.length, 1);
  });

  it("recognises ours by type alone, or by provider under the generic type; never another dynamic resource", () => {
    const generic = lookup({ type: "pulumi-nodejs:dynamic:Resource", name: "generic" });
    const other = lookup({
      type: "pulumi-nodejs:dynamic:Resource",
      name: "other",
      provider: "exports.handler = {create(){}}",
    });
    const encrypted = lookup({
      type: "pulumi-nodejs:dynamic:Resource",
      name: "hidden",
      provider: ciphertext(),
    });
    const ownTypeOtherProvider = lookup({ name: "typed", provider: ciphertext() });
    const notCustom = { ...lookup({ name: "component" }), custom: false };
    const doc = read(exportDocument([generic, other, encrypted, ownTypeOtherProvider, notCustom]));
    assert.deepEqual(
      doc.lookups.map((l) => l.urn.split("::").pop()),
      ["generic", "typed"],
    );
    assert.deepEqual(
      doc.unrecognised.map((u) => u.split("::").pop()),
      ["hidden"],
    );
  });

  it("skips resources pending deletion (`delete: true`) left by a replacement", () => {
    const doomed = { ...lookup({ name: "old" }), delete: true };
    assert.deepEqual(
      read(exportDocument([doomed, lookup()])).lookups.map((l) => l.urn.split("::").pop()),
      ["l"],
    );
  });

  it("encrypted arguments are flagged, never guessed; --show-secrets plaintext is decoded and marked secret", () => {
    const enc = read(
      exportDocument([
        lookup({
          inputs: { ...args, subscriptionId: ciphertext() },
          outputs: { ...args, subscriptionId: ciphertext(), ...observed },
        }),
      ]),
    ).lookups[0];
    assert.deepEqual(enc.encryptedKeys, ["subscriptionId"]);
    assert.equal(enc.inputs.subscriptionId, undefined);
    const plain = read(
      exportDocument([
        lookup({
          inputs: { ...args, subscriptionId: plaintext(SUB) },
          outputs: { ...args, subscriptionId: plaintext(SUB), ...observed },
        }),
      ]),
    ).lookups[0];
    assert.equal(plain.inputs.subscriptionId, SUB);
    assert.deepEqual([plain.secretKeys, plain.encryptedKeys], [["subscriptionId"], []]);
  });

  it("refuses what it cannot read, naming the source and the rule", () => {
    const cases: [string, RegExp][] = [
      ["{", /state\.json: is not valid JSON/],
      ["[]", /is not a JSON object/],
      [JSON.stringify({ hello: 1 }), /is not Pulumi state: expected the output of `pulumi stack export`/],
      [
        JSON.stringify({ version: 5, deployment: {} }),
        /schema version 5 is newer than this tool reads \(1 to 4\)/,
      ],
      [JSON.stringify({ version: "3", deployment: {} }), /"version" must be a positive integer/],
      [JSON.stringify({ version: 3, deployment: { resources: {} } }), /"resources" must be an array/],
      [JSON.stringify({ version: 3, checkpoint: 7 }), /"checkpoint" must be an object/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => readStateDocument(text, "state.json"),
        (e: Error) => e instanceof StateFormatError && message.test(e.message),
        text,
      );
    }
  });

  it("property: any JSON value survives plaintext-secret and output-value wrapping, and is marked secret", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const normal = JSON.parse(JSON.stringify(value)) as unknown;
        const viaSecret = decodePropertyValue({ nested: [plaintext(normal)] });
        assert.deepEqual(viaSecret.value, { nested: [normal] });
        assert.equal(viaSecret.secret, true);
        assert.equal(viaSecret.encrypted, false);
        const viaOutput = decodePropertyValue(outputValue(normal));
        assert.deepEqual(viaOutput.value, normal);
        assert.equal(viaOutput.secret, false);
      }),
    );
  });
});
