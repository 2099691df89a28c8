import * as pulumi from "@pulumi/pulumi";

// The yardstick of the host figures: a dynamic provider that answers without any I/O, so that the
// difference to a GalleryLookup Check is what the lookup itself costs in the engine's path.
const noopProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async create(inputs) {
    return { id: "noop", outs: inputs };
  },
};

/** A dynamic resource whose provider does no I/O. */
export class NoopResource extends pulumi.dynamic.Resource {
  constructor(name: string, args: Record<string, pulumi.Input<string>>) {
    super(noopProvider, name, args, undefined, "bench", "Noop");
  }
}
