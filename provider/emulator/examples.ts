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

/**
 * A body as the spec publishes it: every example names `myGalleryName` in `myResourceGroup` of West US;
 * `collection` is the id's segment (CommunityGallery_Get has `communityGalleries`). A new object each time,
 * since the seed fills in the ids.
 */
function published(
  properties: ArmGallery["properties"],
  more: Partial<ArmGallery> = {},
  collection = "galleries",
): ArmGallery {
  return {
    id: `/subscriptions/${SUB}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/${collection}/myGalleryName`,
    ...more,
    properties,
    location: "West US",
    name: "myGalleryName",
  };
}

/** The properties three examples share: the description, the unique name and the provisioning state. */
const described = () => ({
  description: "This is the gallery description.",
  identifier: { uniqueName: `${SUB}-MYGALLERYNAME` },
  provisioningState: "Succeeded",
});

/** The sharing profile both sharing-groups examples publish (`$expand` and `$select` answer the same). */
const sharedWithGroups = () => ({
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
});

export const GALLERY_EXAMPLES: readonly GalleryExample[] = [
  { file: "Gallery_Get.json", name: "myGalleryName", body: published(described()) },
  {
    file: "CommunityGallery_Get.json",
    name: "myCommunityGallery",
    body: published(
      {
        ...described(),
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
      {},
      "communityGalleries",
    ),
  },
  {
    file: "Gallery_Get_WithExpandSharingProfileGroups.json",
    name: "mySharingGroupsGallery",
    query: { $expand: "SharingProfile/Groups" },
    body: published(sharedWithGroups()),
  },
  {
    file: "Gallery_Get_WithSelectPermissions.json",
    name: "mySelectPermissionsGallery",
    query: { $select: "Permissions" },
    body: published(sharedWithGroups()),
  },
  {
    file: "Gallery_Get_WithManagedIdentity.json",
    name: "myManagedIdentityGallery",
    body: published(described(), {
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
    }),
  },
];
