// Gives a gallery's managed identity a role, so that the gallery can read images from a storage account:
// the lookup's principalId is known at preview, so the RoleAssignment's plan shows the real principal.
import * as authorization from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";

const config = new pulumi.Config();
const resourceGroupName = config.get("resourceGroupName") ?? "myResourceGroup";
// The emulator's seeded gallery with a managed identity (spec example Gallery_Get_WithManagedIdentity).
const galleryName = config.get("galleryName") ?? "myManagedIdentityGallery";
// Built-in role "Storage Blob Data Reader".
const roleDefinitionGuid = config.get("roleDefinitionGuid") ?? "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";

const gallery = new GalleryLookup("gallery", { resourceGroupName, galleryName });

const subscriptionId = gallery.subscriptionId;
const scope = pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}`;

const assignment = new authorization.RoleAssignment("gallery-reads-blobs", {
  principalId: gallery.principalId.apply((id) => {
    if (!id) throw new Error(`gallery ${galleryName} has no system-assigned identity`);
    return id;
  }),
  principalType: authorization.PrincipalType.ServicePrincipal,
  roleDefinitionId: pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid}`,
  scope,
});

export const principalId = gallery.principalId;
export const roleAssignmentName = assignment.name;
