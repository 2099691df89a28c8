// A fixture that is the subject of the tests reading it (a run whose output they assert), made by the
// first test that asks for it rather than in a before() hook: its time is that test's, and `--grep` on
// any one of the tests still makes it.

/** Makes the fixture on the first call; every call shares that one promise (and its failure). */
export function lazyFixture<T>(make: () => Promise<T> | T): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= Promise.resolve().then(make));
}
