// `gallery-lookup drift` reads the provider plugin's lookups out of state (written by any language's SDK:
// the type is the plugin's own token, and there is no serialized provider) as it reads the dynamic ones.
import { strict as assert } from "node:assert";
import { recogniseResource } from "#internal/drift/recognise";
import { readStateDocument } from "#internal/drift/state";
import {
  exportDocument,
  lookupProviderText,
  stackUrn,
  STATE_ARGS,
  STATE_OBSERVED,
  storedLookup,
  type Json,
} from "../support/driftState";

const args = STATE_ARGS;
const observed = STATE_OBSERVED;
const PLUGIN_TYPE = "azure-gallery-lookup:index:GalleryLookup";

/** A plugin lookup as the engine stores it: no `__provider`, the plugin's default provider. */
function pluginLookup(name: string, custom = true): Json {
  const urn = `urn:pulumi:dev::p::${PLUGIN_TYPE}::${name}`;
  return {
    urn,
    custom,
    id: observed.resourceId,
    type: PLUGIN_TYPE,
    inputs: { ...args },
    outputs: { ...args, ...observed },
    parent: stackUrn("p", "dev"),
    provider: "urn:pulumi:dev::p::pulumi:providers:azure-gallery-lookup::default_0_1_0::abcd",
  };
}

describe("drift: the provider plugin's lookups in state", () => {
  it("recognises the plugin's custom resource by its type, and nothing else of that name", () => {
    assert.equal(recogniseResource(true, PLUGIN_TYPE, undefined), "lookup");
    assert.equal(recogniseResource(false, PLUGIN_TYPE, undefined), "other");
    assert.equal(recogniseResource(true, "azure-gallery-lookup:index:Other", undefined), "other");
    assert.equal(recogniseResource(true, "azure-native:compute:Gallery", undefined), "other");
  });

  it("a stack with both faces yields both lookups, with their arguments and outputs", async () => {
    const dynamic = storedLookup(await lookupProviderText(), { name: "dynamic" });
    const doc = readStateDocument(
      JSON.stringify(exportDocument([dynamic, pluginLookup("plugin")])),
      "state.json",
    );
    assert.deepEqual(
      doc.lookups.map((l) => l.urn.split("::").pop()),
      ["dynamic", "plugin"],
    );
    const plugin = doc.lookups[1];
    assert.equal(plugin.stack, "p/dev");
    assert.deepEqual(plugin.inputs, args);
    assert.equal(plugin.outputs.resourceId, observed.resourceId);
    assert.deepEqual(doc.unrecognised, []);
  });
});
