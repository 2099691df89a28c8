import type * as dynamic from "@pulumi/pulumi/dynamic";

/** Property bags as the host hands them over (its interface types them `any`). */
type Props = Record<string, unknown>;

// Pulumi serializes this object, methods and all, into the state of every GalleryLookup and runs it
// later in the dynamic provider host. So each method only loads the implementation from the installed
// package at run time: the serialized text stays small and captures no client, credential or config.
// The module path is spelled out in each method because the serializer captures variables, not `require`.
// That path is stored in every user's state, so it is a public contract: the `dynamic-provider` subpath
// export stays forever, and so does `dist/lookup/operations`, which states written by 0.1.0 load.

/** The dynamic provider behind {@link GalleryLookup}: thin methods that delegate to `operations`. */
export const galleryLookupProvider: dynamic.ResourceProvider = {
  // The engine sends dynamic providers the whole stack config, secrets decrypted, in Configure; the host
  // passes it here once per process. Only azure-native's sign-in keys are kept, in the host's memory: they
  // never become inputs, outputs or part of this serialized object.
  async configure(req: dynamic.ConfigureRequest) {
    const ops = require("pulumi-azure-gallery-lookup/dynamic-provider") as typeof import("./operations");
    ops.configure(req.config);
  },
  async check(olds: Props, news: Props) {
    const ops = require("pulumi-azure-gallery-lookup/dynamic-provider") as typeof import("./operations");
    return ops.check(olds, news);
  },
  async diff(id: string, olds: Props, news: Props) {
    const ops = require("pulumi-azure-gallery-lookup/dynamic-provider") as typeof import("./operations");
    return ops.diff(id, olds, news);
  },
  async create(inputs: Props) {
    const ops = require("pulumi-azure-gallery-lookup/dynamic-provider") as typeof import("./operations");
    return ops.create(inputs);
  },
  async update(id: string, olds: Props, news: Props) {
    const ops = require("pulumi-azure-gallery-lookup/dynamic-provider") as typeof import("./operations");
    return ops.update(id, olds, news);
  },
  async read(id: string, props?: Props) {
    const ops = require("pulumi-azure-gallery-lookup/dynamic-provider") as typeof import("./operations");
    return ops.read(id, props);
  },
  async delete() {
    // Nothing to load: a lookup owns nothing in Azure, so destroy and replace send nothing.
  },
};
