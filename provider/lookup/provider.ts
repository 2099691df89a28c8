// What every GalleryLookup stores as its dynamic provider (`__provider`, in its inputs and outputs). Pulumi's
// dynamic provider host runs that text with `require-from-string` and calls its `handler()`; the host resolves
// the `require` from the program's folder, so it loads the installed package's implementation, the object
// `galleryLookupProvider` of ./operations.
//
// The text is written here, not made by Pulumi's closure serializer (`pulumi.dynamic.Resource` runs it on the
// provider object), for three reasons measured in issue 26:
//  - the serializer costs the program a V8 inspector session and a TypeScript parse of every method, once per
//    program, on the main thread where every resource registers;
//  - its text for the seven thin methods the package used to serialize was 2,686 bytes, and the text is kept
//    twice in every lookup's state: the engine writes the whole checkpoint after every step of `pulumi up`, and
//    that writing was most of what 50 lookups added to an `up` (986 ms added with checkpoints, 277 ms with
//    PULUMI_SKIP_CHECKPOINTS, 5 interleaved rounds);
//  - a text written by hand captures nothing from the program by construction: no client, credential or config.
//
// The module path is stored in every user's state, so it is a public contract: the `dynamic-provider` subpath
// export stays forever, and so does `dist/lookup/operations`, which states written by 0.1.0 load. States written
// before this text hold the serializer's text, which loads the same module and calls its functions: both work,
// and the host takes no action when a resource's provider text changes (cmd/dynamic-provider, diff).

/** The input (and output) that holds a dynamic resource's provider text. */
export const PROVIDER_KEY = "__provider";

/** The module the provider text loads: the package's `dynamic-provider` export, ./operations. */
export const PROVIDER_MODULE = "pulumi-azure-gallery-lookup/dynamic-provider";

/** The `__provider` of every GalleryLookup: a CommonJS module whose `handler()` returns the provider. */
export const GALLERY_LOOKUP_PROVIDER_TEXT = `exports.handler = () => require(${JSON.stringify(PROVIDER_MODULE)}).galleryLookupProvider;\n`;

/** The type Pulumi's `dynamic.Resource` would give GalleryLookup (module `azure-gallery-lookup`). */
export const GALLERY_LOOKUP_TYPE = "pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup";
