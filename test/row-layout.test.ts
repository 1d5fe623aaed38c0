import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/backend.js";
import { registerNativeBackend } from "../src/accel/native-backend.js";
import { AutoConfig, AutoModelForSequenceClassification, FLOAT32_MIN, packedRows } from "../src/models/index.js";

const BACKENDS = ["cpu", "wasm", ...(registerNativeBackend().ok ? ["native"] : [])];

describe("packedRows", () => {
  it("packs the tokens and each sequence's first position in order; the attention sees them re-padded to the longest", async () => {
    await initBackend("cpu");
    tf.tidy(() => {
      // Right padding, left padding (the first position kept, masked as a key), a hole.
      const layout = packedRows([[1, 1, 0, 0], [0, 1, 1, 1], [1, 0, 1, 0]])!;
      assert.ok(layout);
      const x = tf.reshape(tf.range(0, 12), [3, 4, 1]) as tf.Tensor3D; // each value is b * 4 + position
      const rows = layout.rows(x);
      assert.deepEqual(rows.arraySync(), [[0], [1], [4], [5], [6], [7], [8], [10]]);
      assert.deepEqual(layout.toGrid(rows).arraySync(), [[[0], [1], [0], [0]], [[4], [5], [6], [7]], [[8], [10], [0], [0]]]);
      assert.deepEqual(layout.fromGrid(layout.toGrid(rows)).arraySync(), rows.arraySync());
      assert.deepEqual(layout.firstTokens(rows).arraySync(), [[[0]], [[4]], [[8]]]);
      const m = FLOAT32_MIN;
      assert.deepEqual(tf.reshape(layout.maskBias, [3, 4]).arraySync(), [[0, 0, m, m], [m, 0, 0, 0], [0, 0, m, m]]);
    });
    assert.equal(packedRows([[1, 1], [1, 1]]), undefined, "nothing to leave out");
    assert.equal(packedRows([[1, 0], [0, 0]]), undefined, "a sequence without tokens attends to padding: the padded batch then");
  });
});

const TINY: Record<string, Record<string, unknown>> = {
  distilbert: { dim: 16, n_layers: 2, n_heads: 2, hidden_dim: 24 },
  bert: { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 24 },
  roberta: { hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 24 },
  electra: { embedding_size: 8, hidden_size: 16, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 24 },
  albert: { embedding_size: 8, hidden_size: 16, num_hidden_layers: 3, num_attention_heads: 2, intermediate_size: 24 },
};

for (const backend of BACKENDS) {
  describe(`a sequence classifier on the packed tokens gives the padded batch's loss and gradients on ${backend}`, () => {
    for (const [modelType, sizes] of Object.entries(TINY)) {
      it(modelType, async () => {
        await initBackend(backend);
        const model = AutoModelForSequenceClassification.fromConfig(AutoConfig.forModel(modelType, { ...sizes, vocab_size: 40, num_labels: 3 }), { seed: 0 });
        model.eval();
        const batch = {
          input_ids: [[2, 7, 9, 11, 3, 1, 1], [1, 1, 2, 5, 6, 8, 3], [2, 30, 3, 1, 1, 1, 1], [2, 12, 13, 14, 15, 16, 3]],
          attention_mask: [[1, 1, 1, 1, 1, 0, 0], [0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1]],
          labels: [0, 2, 1, 2],
        };
        assert.ok(packedRows(batch.attention_mask), "the batch has padding to leave out");
        const params = model.parameters();
        // The default forward packs the tokens; asking for hidden states runs the padded batch.
        const run = (options: { outputHiddenStates?: boolean }) => tf.variableGrads(() => model.forward(batch, options).loss!, params);
        const packed = run({});
        const padded = run({ outputHiddenStates: true });
        // Both are float32 evaluations of the same sums (padded keys weigh exactly 0): they differ by rounding
        // only, orders of magnitude below the 1e-3 (relative l2) the PyTorch parity tests allow.
        assert.ok(Math.abs(packed.value.dataSync()[0] - padded.value.dataSync()[0]) <= 1e-6, "loss");
        for (const v of params) {
          const [g, ref] = [packed.grads[v.name].dataSync(), padded.grads[v.name].dataSync()];
          let diff = 0;
          let norm = 0;
          for (let i = 0; i < g.length; i++) {
            diff += (g[i] - ref[i]) ** 2;
            norm += ref[i] ** 2;
          }
          assert.ok(Math.sqrt(diff) <= 1e-4 * Math.sqrt(norm) + 1e-7 * Math.sqrt(g.length), `${v.name}: |Δg| ${Math.sqrt(diff)} for |g| ${Math.sqrt(norm)}`);
        }
        tf.dispose([packed.value, padded.value, ...Object.values(packed.grads), ...Object.values(padded.grads)]);
        model.dispose();
      });
    }
  });
}
