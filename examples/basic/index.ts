// Looks up an existing Azure Compute Gallery and exports what other stacks need from it.
// Run it with `pulumi preview` (real Azure), or offline against the emulator with `npm start`.
import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";

const config = new pulumi.Config();
// Without config, the emulator's seeded gallery that is shared with groups (spec example
// Gallery_Get_WithExpandSharingProfileGroups). `npm start` sets galleryName to myDemoGallery, the emulator's
// gallery with a uniqueName, an identity and sharing groups at once; set your own with
// `pulumi config set galleryName ...`.
const resourceGroupName = config.get("resourceGroupName") ?? "myResourceGroup";
const galleryName = config.get("galleryName") ?? "mySharingGroupsGallery";

const gallery = new GalleryLookup("gallery", {
  resourceGroupName,
  galleryName,
  // Sharing groups are returned only when asked for.
  expand: "SharingProfile/Groups",
});

/** The name other subscriptions and tenants see: `{subscriptionId}-{GALLERYNAME}`. */
export const uniqueName = gallery.uniqueName;
/** Object id of the gallery's system-assigned identity. */
export const principalId = gallery.principalId;
/** Subscriptions the gallery is shared with, sorted. */
export const sharedSubscriptionIds = gallery.sharedSubscriptionIds;
/** The gallery's ARM id (`resourceId` is known at preview; `gallery.id` only after up). */
export const galleryId = gallery.resourceId;
