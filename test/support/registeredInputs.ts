import * as pulumi from "@pulumi/pulumi";

/**
 * Registers `count` resources under Pulumi's mocks (preview) and returns what the SDK sends to the
 * engine for each: the inputs, with the serialized `__provider` of a dynamic resource.
 */
export async function registerUnderMocks(
  make: (index: number) => pulumi.CustomResource,
  count = 1,
): Promise<Record<string, unknown>[]> {
  const seen: Record<string, unknown>[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        seen.push(args.inputs as Record<string, unknown>);
        return { id: `id-${args.name}`, state: args.inputs };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    true,
  );
  const resources = Array.from({ length: count }, (_, i) => make(i));
  await new Promise<void>((resolve) => pulumi.all(resources.map((r) => r.urn)).apply(() => resolve()));
  return seen;
}
