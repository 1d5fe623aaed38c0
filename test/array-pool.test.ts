import { test } from "node:test";
import assert from "node:assert/strict";
import { ArrayPool } from "../src/accel/array-pool.js";

test("ArrayPool gives back the latest array of the size asked for, and nothing of another size", () => {
  const pool = new ArrayPool(1024);
  assert.equal(pool.take(4), undefined);
  const [a, b, c] = [new Float32Array(4), new Float32Array(4), new Float32Array(8)];
  pool.give(a);
  pool.give(b);
  pool.give(c);
  assert.equal(pool.bytes, 64);
  assert.equal(pool.take(4), b);
  assert.equal(pool.take(4), a);
  assert.equal(pool.take(4), undefined);
  assert.equal(pool.take(8), c);
  assert.equal(pool.bytes, 0);
});

test("ArrayPool over its bytes drops the arrays given back longest ago, of any size", () => {
  const pool = new ArrayPool(100);
  const first = new Float32Array(10); // 40 bytes each
  const second = new Float32Array(5);
  const third = new Float32Array(10);
  const fourth = new Float32Array(10);
  const fifth = new Float32Array(10);
  pool.give(first);
  pool.give(second);
  pool.give(third);
  assert.equal(pool.bytes, 100);
  pool.give(fourth); // 140 bytes: first goes
  assert.equal(pool.bytes, 100);
  pool.give(fifth); // 140 bytes: second goes, then third
  assert.equal(pool.bytes, 80);
  assert.equal(pool.take(5), undefined);
  assert.equal(pool.take(10), fifth);
  assert.equal(pool.take(10), fourth);
  assert.equal(pool.take(10), undefined);
  pool.give(new Float32Array(26)); // 104 bytes: more than the pool holds
  assert.equal(pool.bytes, 0);
  assert.equal(pool.take(26), undefined);
});

test("ArrayPool drops everything once idle for the time given, not before", () => {
  const pool = new ArrayPool(1024);
  pool.take(1);
  pool.give(new Float32Array(16));
  assert.equal(pool.trimIfIdle(60_000), false);
  assert.equal(pool.bytes, 64);
  assert.equal(pool.trimIfIdle(0), true);
  assert.equal(pool.bytes, 0);
  assert.equal(pool.take(16), undefined);
  assert.equal(pool.trimIfIdle(0), false, "nothing left to drop");
});
