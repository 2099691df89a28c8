// The one glob rule of the drift check (`*` matches anything, any letter case), for --ignore-lookup and
// --all-stacks=PATTERN alike.

/** A test of candidates against globs: true when any pattern matches any candidate whole. */
export function globMatcher(patterns: readonly string[]): (candidates: string[]) => boolean {
  const res = patterns.map(
    (p) =>
      new RegExp(
        `^${p
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
        "i",
      ),
  );
  return (candidates) => res.some((re) => candidates.some((c) => re.test(c)));
}
