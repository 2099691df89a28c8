// Starting the dynamic provider host early (issue 26). Pulumi's engine starts the host that serves every
// dynamic resource (`pulumi-resource-pulumi-nodejs`, about a second of CPU before it answers) when the first
// dynamic resource registers. A GalleryLookup registers only once its GET has answered, since what the GET
// saw is one of its inputs (prefetch.ts): so the host's start would wait for the first GET, and every Check
// after it. An invoke makes the engine start and configure that same default provider at once, while the
// GETs run. The dynamic provider host implements no function (pulumi/pulumi#406) and answers an invoke with
// "unknown function"; that answer is expected and dropped. An invoke is not a step: it reaches neither the
// state nor the preview's output, and it sends nothing to Azure. (The package's own offline engine answers
// it with nothing: provider/preview/localEngine.ts.)

/** A function no dynamic provider has: what the host answers it with is dropped. */
export const HOST_START_TOKEN = "pulumi-nodejs:dynamic:galleryLookupStartHost";

let asked = false;

/** Asks the engine, once per program, to start the dynamic provider host now. Never fails. */
export function startProviderHost(): void {
  if (asked) return;
  asked = true;
  try {
    // Loaded here, not at the top: the offline engine reads HOST_START_TOKEN without loading the SDK.
    const { invoke } =
      require("@pulumi/pulumi/runtime/invoke") as typeof import("@pulumi/pulumi/runtime/invoke");
    invoke(HOST_START_TOKEN, {}).catch(() => undefined);
  } catch {
    // An SDK that refuses the call synchronously: the host then starts with the first registration, as before.
  }
}
