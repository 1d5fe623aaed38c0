// The short form of the library's errors (as a notebook prints them) and the message language.
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "node:util";
import { setLanguage, showStack, useShortErrors } from "../src/errors.js";
import { TrainingArguments } from "../src/trainer/index.js";

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected a throw");
}

test("in a notebook, the library's errors print as one line with the hint; the learner's own errors and showStack() keep the stack", () => {
  useShortErrors();
  const libraryError = thrown(() => new TrainingArguments({ outputDir: "x", numTrainEpoch: 3 } as never));
  assert.equal(inspect(libraryError), `Error: ${libraryError.message}\n(showStack() shows the JavaScript stack)`);
  assert.match(libraryError.stack!, /\n\s+at /, "err.stack keeps the stack");
  setLanguage("es");
  try {
    assert.match(inspect(libraryError), /\(showStack\(\) muestra la pila de JavaScript\)$/);
  } finally {
    setLanguage("en");
  }
  const own = thrown(() => JSON.parse("{"));
  assert.match(inspect(own), /\n\s+at JSON\.parse/, "not thrown by the library: printed as Node prints it");
  showStack();
  try {
    assert.match(inspect(libraryError), /\n\s+at /);
  } finally {
    showStack(false);
  }
  assert.throws(() => setLanguage("fr" as never), /"es" or "en"/);
});
