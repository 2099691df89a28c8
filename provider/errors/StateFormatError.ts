import { GalleryLookupError } from "./GalleryLookupError";

/** A Pulumi state document that cannot be read; the message names the source and the rule it broke. */
export class StateFormatError extends GalleryLookupError {
  /** The file the document came from (`-` for standard input). */
  readonly source: string;

  constructor(source: string, reason: string) {
    super(`${source}: ${reason}`);
    this.source = source;
  }
}
