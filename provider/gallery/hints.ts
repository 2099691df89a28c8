// Advice for a lookup that succeeded but left out something the user probably wanted. Pure: the provider's
// Check warns with it, and the offline report shows it, from this one rule.
import { EXPAND_VALUE } from "./validation";

/**
 * The hint for a gallery shared with groups whose groups were not returned: ARM lists `sharingProfile.groups`
 * only with `$expand=SharingProfile/Groups`, so `sharedSubscriptionIds` stays absent without it.
 */
export function expandHint(observed: Record<string, unknown>): string | undefined {
  // Absent may also be null: what a Check folds for a field the gallery lacks.
  if (observed.permissions !== "Groups" || observed.sharedSubscriptionIds != null) return undefined;
  if (observed.expand != null) return undefined;
  const name = typeof observed.galleryName === "string" ? `gallery ${observed.galleryName}` : "the gallery";
  return (
    `${name} is shared with groups (permissions "Groups"), but sharedSubscriptionIds and sharedTenantIds were ` +
    `not returned: ARM lists the groups only when asked, so add expand: "${EXPAND_VALUE}" to the GalleryLookup's arguments`
  );
}
