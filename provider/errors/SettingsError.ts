import { GalleryLookupError } from "./GalleryLookupError";

/**
 * A setting from the environment or stack config is unusable (for example an
 * `AZURE_RESOURCE_MANAGER_ENDPOINT` that is not https). Raised before any token is requested.
 * `setting` names the variable or config key.
 */
export class SettingsError extends GalleryLookupError {
  readonly setting: string;

  constructor(message: string, setting: string) {
    super(message);
    this.setting = setting;
  }
}
