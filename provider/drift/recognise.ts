// Which resources in a Pulumi state are GalleryLookups. Every dynamic resource is served by the same
// provider (`pulumi-nodejs`), so the type alone is not always telling: SDKs that predate named dynamic
// types store every dynamic resource as `pulumi-nodejs:dynamic:Resource`. Two signals are ours alone:
//  - the type `pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup` (the module and type names
//    GalleryLookup's constructor passes), and
//  - the provider text in `__provider`, which loads this package's provider module
//    (`pulumi-azure-gallery-lookup/dynamic-provider`, in the text written by hand now and in the serialized
//    one of earlier versions; `dist/lookup/operations` in states written by 0.1.0; see lookup/provider.ts):
//    another dynamic resource never does.
// A resource is ours when it is a custom dynamic resource and either signal holds, or when it is the
// provider plugin's custom resource (`azure-gallery-lookup:index:GalleryLookup`, from any language's SDK),
// whose type alone is telling: no other package owns that namespace.
import { GALLERY_LOOKUP_TYPE, PROVIDER_KEY, PROVIDER_MODULE } from "../lookup/provider";
import { GALLERY_LOOKUP_TOKEN } from "../plugin/tokens";

export { GALLERY_LOOKUP_TYPE, PROVIDER_KEY };
/** Text every GalleryLookup provider text contains: the module it `require`s, now and in 0.1.0. */
export const PROVIDER_MARKERS = [
  PROVIDER_MODULE,
  "pulumi-azure-gallery-lookup/dist/lookup/operations",
] as const;

/** What a resource's `type`, `custom` and serialized provider say. */
export type Recognition = "lookup" | "other" | "dynamic-unrecognised";

/** Whether a type is served by the Node.js dynamic provider: `pulumi-nodejs:dynamic[/module]:Type`. */
export function isDynamicType(type: unknown): boolean {
  return (
    typeof type === "string" &&
    (type.startsWith("pulumi-nodejs:dynamic:") || type.startsWith("pulumi-nodejs:dynamic/"))
  );
}

/**
 * Recognises a GalleryLookup. `providerText` is the decoded `__provider`: undefined when absent or
 * encrypted, null when it is readable but not text (then it is no provider of ours). A dynamic resource
 * of the generic type whose provider cannot be read is `dynamic-unrecognised`: it may be a lookup, so
 * the caller can count it rather than drop it silently.
 */
export function recogniseResource(custom: unknown, type: unknown, providerText: unknown): Recognition {
  if (custom === true && type === GALLERY_LOOKUP_TOKEN) return "lookup";
  if (custom !== true || !isDynamicType(type)) return "other";
  if (type === GALLERY_LOOKUP_TYPE) return "lookup";
  if (typeof providerText === "string") {
    return PROVIDER_MARKERS.some((marker) => providerText.includes(marker)) ? "lookup" : "other";
  }
  return providerText === null ? "other" : "dynamic-unrecognised";
}
