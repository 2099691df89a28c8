import { strict as assert } from "node:assert";
import { GalleryLookupError } from "#internal/errors/index";

/**
 * The error `promise` rejects with, which must be one of the package's errors (a resolved promise fails
 * the test). With `seen`, the error is also kept there, for a suite's last test that checks every error
 * it met for tokens and secrets.
 */
export async function failure(promise: Promise<unknown>, seen?: Error[]): Promise<GalleryLookupError> {
  const error = await promise.then(
    () => assert.fail("expected a rejection"),
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof GalleryLookupError, String(error));
  seen?.push(error);
  return error;
}
