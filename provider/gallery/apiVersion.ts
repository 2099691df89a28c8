/** The one api-version of Galleries - Get this package speaks, asks for and (in the emulator) answers. */
export const GALLERY_API_VERSION = "2025-03-03";
