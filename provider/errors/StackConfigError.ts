import { GalleryLookupError } from "./GalleryLookupError";

/**
 * A project folder or stack configuration the offline `gallery-lookup preview`/`up` cannot use: no Pulumi.yaml, no
 * Pulumi.<stack>.yaml for the stack asked for, a secret value it cannot decrypt. The message names the file, the
 * key and what to do.
 */
export class StackConfigError extends GalleryLookupError {}
