// `const ds = loadDataset("tweet_eval", "emotion")` without `await` gives a Promise, and `ds["train"]` is
// then silently undefined. The promises of the loaders answer such accesses with "did you forget await?".

/** The names of the methods and accessors of `classes` (and their base classes), Object's excepted. */
export function memberNames(...classes: Array<abstract new (...args: never[]) => unknown>): string[] {
  const names = new Set<string>();
  for (const cls of classes) {
    for (let proto = cls.prototype; proto && proto !== Object.prototype && proto !== Function.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) if (name !== "constructor") names.add(name);
    }
  }
  return [...names];
}

/**
 * `promise`, whose properties `names` (those it does not have as a Promise) throw
 * `${call} returns a Promise: did you forget await?` when read.
 */
export function withAwaitHint<T>(promise: Promise<T>, call: string, names: Iterable<string>): Promise<T> {
  for (const name of names) {
    if (name in promise) continue;
    Object.defineProperty(promise, name, {
      configurable: true,
      enumerable: false,
      get() {
        throw new TypeError(`${call} returns a Promise, which has no "${name}": did you forget await? Write \`const x = await ${call}(...)\`.`);
      },
    });
  }
  return promise;
}
