import * as pulumi from "@pulumi/pulumi";
import { OBSERVED_KEYS } from "../gallery/diff";
import { withProgramDefaults } from "./defaults";
import { prefetchedInput, PREFETCHED_KEY } from "./prefetch";
import { GALLERY_LOOKUP_PROVIDER_TEXT, GALLERY_LOOKUP_TYPE, PROVIDER_KEY } from "./provider";
import type {
  CommunityGalleryInfo,
  GalleryExpand,
  GalleryIdentity,
  GalleryLookupArgs,
  GallerySelect,
  SharingProfile,
  SharingStatus,
  SoftDeletePolicy,
  SystemData,
} from "../types/lookup";

/**
 * A read-only lookup of an existing Azure Compute Gallery (ARM Galleries - Get, api-version 2025-03-03).
 *
 * Its values are known during `pulumi preview`, even on a new stack; it is kept in state, so a plain
 * preview shows drift and `pulumi refresh` updates it. It never changes anything in Azure: the only
 * request it sends is GET, and destroying it sends nothing. Its Pulumi `id` is the gallery's ARM id.
 *
 * @example
 * ```ts
 * const gallery = new GalleryLookup("images", {
 *   resourceGroupName: "shared-images",
 *   galleryName: "corpImages",
 *   expand: "SharingProfile/Groups",
 * });
 * export const uniqueName = gallery.uniqueName;
 * ```
 */
export class GalleryLookup extends pulumi.CustomResource {
  /** Name of the resource group that holds the gallery, as given. */
  declare readonly resourceGroupName: pulumi.Output<string>;
  /** Name of the gallery, as given. */
  declare readonly galleryName: pulumi.Output<string>;
  /** The subscription looked in, as given or defaulted (a lookup without one fails its check). */
  declare readonly subscriptionId: pulumi.Output<string>;
  /** `"Permissions"` when given; `undefined` otherwise. */
  declare readonly select: pulumi.Output<GallerySelect | undefined>;
  /** `"SharingProfile/Groups"` when given; `undefined` otherwise. */
  declare readonly expand: pulumi.Output<GalleryExpand | undefined>;
  /** The cloud looked in, when given or defaulted from config or environment. */
  declare readonly environment: pulumi.Output<string | undefined>;
  /** The gallery's ARM id as the service spells it (also the resource's `id`). */
  declare readonly resourceId: pulumi.Output<string | undefined>;
  /** The gallery's name as the service spells it. */
  declare readonly name: pulumi.Output<string | undefined>;
  /** `Microsoft.Compute/galleries`. */
  declare readonly type: pulumi.Output<string | undefined>;
  /** The Azure region the gallery lives in, as ARM spells it (for example `West US`). */
  declare readonly location: pulumi.Output<string | undefined>;
  /** The gallery's resource tags. */
  declare readonly tags: pulumi.Output<Record<string, string> | undefined>;
  /** The gallery's description, as its owner wrote it. */
  declare readonly description: pulumi.Output<string | undefined>;
  /** `Succeeded`, `Creating`, `Updating`, `Failed`, `Deleting` or `Migrating`: whether the gallery is ready. */
  declare readonly provisioningState: pulumi.Output<string | undefined>;
  /** `{subscriptionId}-{GALLERYNAME}`: the name under which other subscriptions and tenants see the gallery. */
  declare readonly uniqueName: pulumi.Output<string | undefined>;
  /** The gallery's managed identity. */
  declare readonly identity: pulumi.Output<GalleryIdentity | undefined>;
  /** Object id of the gallery's system-assigned identity: give it roles with a RoleAssignment. */
  declare readonly principalId: pulumi.Output<string | undefined>;
  /** Whom the gallery is shared with; `groups` only with `expand: "SharingProfile/Groups"`. */
  declare readonly sharingProfile: pulumi.Output<SharingProfile | undefined>;
  /** `Private`, `Groups` or `Community`. */
  declare readonly permissions: pulumi.Output<string | undefined>;
  /** Subscriptions the gallery is shared with, sorted; only with `expand: "SharingProfile/Groups"`. */
  declare readonly sharedSubscriptionIds: pulumi.Output<string[] | undefined>;
  /** Tenants the gallery is shared with, sorted; only with `expand: "SharingProfile/Groups"`. */
  declare readonly sharedTenantIds: pulumi.Output<string[] | undefined>;
  /** Publisher, EULA and public names of a gallery shared with the community (`permissions: "Community"`). */
  declare readonly communityGalleryInfo: pulumi.Output<CommunityGalleryInfo | undefined>;
  /** Public names of a community gallery, sorted. */
  declare readonly communityPublicNames: pulumi.Output<string[] | undefined>;
  /** Whether sharing reached every region (`aggregatedState`) and the state per region. */
  declare readonly sharingStatus: pulumi.Output<SharingStatus | undefined>;
  /** Whether deleted images are kept for recovery (`isSoftDeleteEnabled`). */
  declare readonly softDeletePolicy: pulumi.Output<SoftDeletePolicy | undefined>;
  /** Who created and last changed the gallery, and when (ARM's `systemData`), when ARM returns it. */
  declare readonly systemData: pulumi.Output<SystemData | undefined>;

  constructor(name: string, args: GalleryLookupArgs, opts?: pulumi.CustomResourceOptions) {
    // Every declared output is registered, given or not: an unregistered one would be `undefined` at run
    // time, not an Output, and `lookup.expand.apply(...)` would compile and then throw.
    const registered = Object.fromEntries(GALLERY_LOOKUP_OUTPUTS.map((k) => [k, undefined]));
    const resolved = withProgramDefaults(args);
    // The GET starts now, overlapping every other lookup's, instead of queueing in the engine's serial Check.
    const prefetched = prefetchedInput(resolved);
    // Pulumi's runtime gives each registered property four promises and formats a stack trace for each when it
    // is made, only for its report of leaked promises (PULUMI_DEBUG_PROMISE_LEAKS). Under `pulumi preview`
    // every frame goes through ts-node's source-map hook: for 27 properties that was most of the program's CPU
    // per lookup (issue 26). With no frames to capture that costs nothing; the source position the engine gets
    // is unchanged, since Pulumi captures it with a limit of its own.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) Error.stackTraceLimit = 0;
    try {
      // A dynamic resource as `pulumi.dynamic.Resource` registers one (its type and its `__provider`), with the
      // provider's text written once by hand rather than serialized from an object in every program
      // (provider.ts says why).
      super(
        GALLERY_LOOKUP_TYPE,
        name,
        {
          ...registered,
          ...resolved,
          ...(prefetched ? { [PREFETCHED_KEY]: prefetched } : {}),
          [PROVIDER_KEY]: GALLERY_LOOKUP_PROVIDER_TEXT,
        },
        opts,
      );
    } catch (error) {
      // What Pulumi throws while registering (a missing name, a bad option) gets the program's frames back.
      Error.stackTraceLimit = stackTraceLimit;
      if (error instanceof Error) Error.captureStackTrace(error, GalleryLookup);
      throw error;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    // check folds what the gallery lacks as null, because the engine shows a key missing from the checked
    // inputs as unknown during a preview: null keeps it known. The program sees undefined, as the types say.
    const outputs = this as unknown as Record<string, pulumi.Output<unknown>>;
    for (const key of GALLERY_LOOKUP_OUTPUTS)
      outputs[key] = outputs[key].apply((value) => value ?? undefined);
  }
}

/** The lookup's arguments, each also an output (as given or defaulted). */
const ARG_OUTPUTS = [
  "resourceGroupName",
  "galleryName",
  "subscriptionId",
  "select",
  "expand",
  "environment",
] as const;

/** Every output a {@link GalleryLookup} has: its arguments and everything observed. */
export const GALLERY_LOOKUP_OUTPUTS: readonly (keyof GalleryLookup)[] = [...ARG_OUTPUTS, ...OBSERVED_KEYS];

// Compile-time proof that the list and the class's declarations name the same properties.
type Declared = Exclude<keyof GalleryLookup, keyof pulumi.CustomResource>;
type Registered = (typeof ARG_OUTPUTS)[number] | (typeof OBSERVED_KEYS)[number];
const _sameNames: [Declared] extends [Registered] ? ([Registered] extends [Declared] ? true : never) : never =
  true;
