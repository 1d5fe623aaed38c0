// TrainingArguments options a learner copies from Python courses: reportTo and the old evaluationStrategy.
import { test, mock } from "node:test";
import * as assert from "node:assert/strict";
import { TrainingArguments, type TrainingArgumentsInit } from "../src/trainer/index.js";

/** Build the arguments with console.warn captured; returns them and the notices printed. */
function withNotices(init: TrainingArgumentsInit): { args: TrainingArguments; notices: string[] } {
  const warn = mock.method(console, "warn", () => undefined);
  try {
    const args = new TrainingArguments(init);
    return { args, notices: warn.mock.calls.map((c) => c.arguments.join(" ")) };
  } finally {
    warn.mock.restore();
  }
}

test('reportTo: "none" and [] report nowhere, silently; "all" says nothing is installed to report to', () => {
  for (const reportTo of ["none", [], ["none"], undefined]) {
    const { args, notices } = withNotices({ outputDir: "o", reportTo });
    assert.deepEqual(args.reportTo, []);
    assert.deepEqual(notices, [], JSON.stringify(reportTo));
  }
  for (const reportTo of ["all", ["all"]]) {
    const { args, notices } = withNotices({ outputDir: "o", reportTo });
    assert.deepEqual(args.reportTo, []);
    assert.equal(notices.length, 1);
    assert.match(notices[0], /reportTo "all" reports to every installed integration .*this library has none, so nothing is reported: the logs are in trainer\.state\.logHistory/);
  }
  assert.deepEqual(withNotices({ outputDir: "o", reportTo: "none" }).args.toJSON().report_to, []);
});

test("reportTo: a named integration or a bad value is an error that says what to pass", () => {
  for (const name of ["wandb", "tensorboard"]) {
    assert.throws(() => new TrainingArguments({ outputDir: "o", reportTo: name }), new RegExp(`reportTo "${name}": this library has no integration with ${name}.*Pass reportTo: "none"`));
  }
  assert.throws(() => new TrainingArguments({ outputDir: "o", reportTo: ["none", "mlflow"] }), /no integration with mlflow/);
  assert.throws(() => new TrainingArguments({ outputDir: "o", reportTo: 3 as never }), /reportTo must be "none", "all", or a list of integration names, got 3/);
  assert.throws(() => new TrainingArguments({ outputDir: "o", report_to: "none" } as never), /unknown option "report_to"\. Did you mean "reportTo"\?/);
});

test("evaluationStrategy: accepted for evalStrategy with transformers' deprecation notice; both given is an error", () => {
  const { args, notices } = withNotices({ outputDir: "o", evaluationStrategy: "epoch", saveStrategy: "epoch", loadBestModelAtEnd: true });
  assert.equal(args.evalStrategy, "epoch");
  assert.deepEqual(notices, ["`evaluationStrategy` is deprecated and was removed in version 4.46 of 🤗 Transformers. Use `evalStrategy` instead"]);
  assert.deepEqual(withNotices({ outputDir: "o", evalStrategy: "epoch" }).notices, []);
  for (const [evalStrategy, evaluationStrategy] of [["epoch", "epoch"], ["epoch", "steps"]] as const) {
    assert.throws(
      () => new TrainingArguments({ outputDir: "o", evalStrategy, evaluationStrategy }),
      new RegExp(`evaluationStrategy \\("${evaluationStrategy}"\\) is the old name of evalStrategy \\("${evalStrategy}"\\); pass only evalStrategy`),
    );
  }
});
