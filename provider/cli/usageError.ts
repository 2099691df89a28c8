/** A command line the command cannot run: an unknown flag, a missing value. Exit code 2, with the usage. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
