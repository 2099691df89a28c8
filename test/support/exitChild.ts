// Child of test/transport/exit.test.ts: one getGallery through the public API with the settings of its
// environment (ARM endpoint, proxy, timeouts), then it prints one JSON line and returns from main. It
// never calls close() or process.exit(): whether it exits is what the test measures, so every handle
// the lookup left behind (a socket, a timer) shows as a process that stays alive.
import { ArmClient, getGallery } from "pulumi-azure-gallery-lookup";
import { FakeCredential } from "./fakeCredential";
import { ref } from "./transportFixtures";

async function main(): Promise<void> {
  // EXIT_CHILD_SIGN_IN=environment: the client signs in from the environment, as a user's does.
  const signIn = process.env.EXIT_CHILD_SIGN_IN === "environment";
  const client = new ArmClient({
    env: process.env,
    ...(signIn ? {} : { credential: new FakeCredential() }),
    ...(process.env.EXIT_CHILD_CA ? { ca: process.env.EXIT_CHILD_CA } : {}),
  });
  let outcome: string;
  try {
    const result = await getGallery(ref, { client });
    outcome = `ok ${result.id}`;
  } catch (error) {
    outcome = `${(error as Error).name}: ${(error as Error).message}`;
  }
  process.stdout.write(JSON.stringify({ outcome }) + "\n");
}

void main();
