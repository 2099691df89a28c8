// The five Galleries_Get examples of the api-version 2025-03-03 spec (azure-rest-api-specs,
// specification/compute/.../GalleryRP/stable/2025-03-03/examples/galleryExamples), embedded so that the
// package never reads the spec at run time. Bodies are kept as published, except that `{subscription-id}`,
// the resource group, the gallery name and (for CommunityGallery_Get) the `communityGalleries` id segment
// are filled in by `defaultSeed` so that id, name and uniqueName agree with where each gallery is served.
import type { ArmGallery } from "../types/armGallery";

/** One spec example: the file it came from, the name it is served under, and its 200 body. */
export interface GalleryExample {
  file: string;
  /** The distinct name it is served under (all five examples use `myGalleryName` in the spec). */
  name: string;
  /** Query the example's request carries, e.g. `$expand` (informative). */
  query?: Record<string, string>;
  body: ArmGallery;
}

const SUB = "{subscription-id}";

export const GALLERY_EXAMPLES: readonly GalleryExample[] = [
  {
    file: "Gallery_Get.json",
    name: "myGalleryName",
    body: {
      id: `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGalleryName`,
      properties: {
        description: "This is the gallery description.",
        identifier: { uniqueName: `${SUB}-MYGALLERYNAME` },
        provisioningState: "Succeeded",
      },
      location: "West US",
      name: "myGalleryName",
    },
  },
  {
    file: "CommunityGallery_Get.json",
    name: "myCommunityGallery",
    body: {
      id: `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/communityGalleries/myGalleryName`,
      properties: {
        description: "This is the gallery description.",
        identifier: { uniqueName: `${SUB}-MYGALLERYNAME` },
        provisioningState: "Succeeded",
        sharingProfile: {
          permissions: "Community",
          communityGalleryInfo: {
            publisherUri: "uri",
            publisherContact: "pir@microsoft.com",
            eula: "eula",
            publicNames: ["GalleryPublicName"],
            communityGalleryEnabled: true,
          },
        },
        sharingStatus: {
          aggregatedState: "Succeeded",
          summary: [{ region: "westus", state: "Succeeded", details: "" }],
        },
      },
      location: "West US",
      name: "myGalleryName",
    },
  },
  {
    file: "Gallery_Get_WithExpandSharingProfileGroups.json",
    name: "mySharingGroupsGallery",
    query: { $expand: "SharingProfile/Groups" },
    body: {
      id: `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGalleryName`,
      properties: {
        sharingProfile: {
          permissions: "Groups",
          groups: [
            {
              type: "Subscriptions",
              ids: ["34a4ab42-0d72-47d9-bd1a-aed207386dac", "380fd389-260b-41aa-bad9-0a83108c370b"],
            },
            { type: "AADTenants", ids: ["c24c76aa-8897-4027-9b03-8f7928b54ff6"] },
          ],
        },
      },
      location: "West US",
      name: "myGalleryName",
    },
  },
  {
    file: "Gallery_Get_WithSelectPermissions.json",
    name: "mySelectPermissionsGallery",
    query: { $select: "Permissions" },
    body: {
      id: `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGalleryName`,
      properties: {
        sharingProfile: {
          permissions: "Groups",
          groups: [
            {
              type: "Subscriptions",
              ids: ["34a4ab42-0d72-47d9-bd1a-aed207386dac", "380fd389-260b-41aa-bad9-0a83108c370b"],
            },
            { type: "AADTenants", ids: ["c24c76aa-8897-4027-9b03-8f7928b54ff6"] },
          ],
        },
      },
      location: "West US",
      name: "myGalleryName",
    },
  },
  {
    file: "Gallery_Get_WithManagedIdentity.json",
    name: "myManagedIdentityGallery",
    body: {
      id: `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGalleryName`,
      identity: {
        type: "SystemAssigned, UserAssigned",
        principalId: "00000000-0000-0000-0000-000000000000",
        tenantId: "00000000-0000-0000-0000-000000000000",
        userAssignedIdentities: {
          [`/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.ManagedIdentity/userAssignedIdentities/myIdentity`]:
            {
              principalId: "00000000-0000-0000-0000-000000000000",
              clientId: "00000000-0000-0000-0000-000000000000",
            },
        },
      },
      properties: {
        description: "This is the gallery description.",
        identifier: { uniqueName: `${SUB}-MYGALLERYNAME` },
        provisioningState: "Succeeded",
      },
      location: "West US",
      name: "myGalleryName",
    },
  },
];
