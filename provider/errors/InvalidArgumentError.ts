import { GalleryLookupError } from "./GalleryLookupError";

/** One rule an argument broke: `property` names the argument, `reason` the rule. */
export interface ArgumentFailure {
  property: string;
  reason: string;
}

/** {@link getGallery} was called with arguments that break the rules; nothing was sent. */
export class InvalidArgumentError extends GalleryLookupError {
  readonly failures: ArgumentFailure[];

  constructor(failures: ArgumentFailure[]) {
    super(failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    this.failures = failures;
  }
}
