// The plugin's Pulumi tokens: the one place they are spelled (schema.json holds the same, tested).

/** The custom resource: `azure-gallery-lookup:index:GalleryLookup`. */
export const GALLERY_LOOKUP_TOKEN = "azure-gallery-lookup:index:GalleryLookup";
/** The function (invoke): `azure-gallery-lookup:index:getGallery`. */
export const GET_GALLERY_TOKEN = "azure-gallery-lookup:index:getGallery";
/** The type of the plugin's provider resources in state: `pulumi:providers:azure-gallery-lookup`. */
export const PROVIDER_TYPE = "pulumi:providers:azure-gallery-lookup";
