import { test } from "node:test";
import assert from "node:assert/strict";
import { ArrayPool, capacityFor } from "../src/accel/array-pool.js";

test("capacityFor rounds a size up to an eighth of its power of two", () => {
  assert.deepEqual([0, 1, 16, 17, 18, 19, 32, 33, 36, 37, 960 * 768, 786432, 786433].map(capacityFor), [16, 16, 16, 18, 18, 20, 32, 36, 36, 40, 786432, 786432, 851968]);
  for (let n = 17; n < 5000; n++) assert.ok(capacityFor(n) >= n && capacityFor(n) <= n * 1.125, `${n}`);
});

test("ArrayPool serves a size from the latest buffer given back of its own class, as a view of the length asked for", () => {
  const pool = new ArrayPool(1024);
  assert.equal(pool.take(36), undefined);
  const [a, b, c] = [ArrayPool.allocate(33), ArrayPool.allocate(36), ArrayPool.allocate(20)];
  assert.deepEqual([a.length, a.buffer.byteLength, c.buffer.byteLength], [33, 144, 80]);
  pool.give(a);
  pool.give(b);
  pool.give(c);
  assert.equal(pool.bytes, 144 + 144 + 80);
  const x = pool.take(34)!;
  assert.equal(x.length, 34);
  assert.equal(x.buffer, b.buffer);
  assert.equal(pool.take(36)!.buffer, a.buffer);
  assert.equal(pool.take(35), undefined, "the class is empty");
  assert.equal(pool.take(37), undefined, "another class");
  assert.equal(pool.take(19)!.buffer, c.buffer);
  assert.equal(pool.bytes, 0);
});

test("ArrayPool serves a size from a class up to 4 above when its own is empty (at most 1.6 times the size), not further", () => {
  const pool = new ArrayPool(1024);
  const big = ArrayPool.allocate(56); // classes above 36: 40, 44, 48, 52, 56
  pool.give(big);
  assert.equal(pool.take(35), undefined, "56 is 5 classes above 36");
  const x = pool.take(37)!; // class 40: 56 is 4 above
  assert.deepEqual([x.length, x.buffer], [37, big.buffer]);
});

test("ArrayPool over its bytes drops the buffers given back longest ago, of any class", () => {
  const pool = new ArrayPool(160);
  const [first, second, third, fourth, fifth] = [32, 16, 32, 32, 32].map((n) => ArrayPool.allocate(n)); // 128, 64 bytes
  pool.give(first);
  assert.equal(pool.bytes, 128);
  pool.give(second); // 192 bytes: first goes
  assert.equal(pool.bytes, 64);
  pool.give(third); // 192: second goes
  pool.give(fourth); // 256: third goes
  assert.equal(pool.bytes, 128);
  pool.give(fifth); // 256: fourth goes
  assert.equal(pool.take(16), undefined);
  assert.equal(pool.take(32)!.buffer, fifth.buffer);
  assert.equal(pool.take(32), undefined);
  pool.give(ArrayPool.allocate(48)); // 192 bytes: more than the pool holds
  assert.equal(pool.bytes, 0);
});

test("ArrayPool drops everything once idle for the time given, not before", () => {
  const pool = new ArrayPool(1024);
  pool.take(1);
  pool.give(ArrayPool.allocate(16));
  assert.equal(pool.trimIfIdle(60_000), false);
  assert.equal(pool.bytes, 64);
  assert.equal(pool.trimIfIdle(0), true);
  assert.equal(pool.bytes, 0);
  assert.equal(pool.take(16), undefined);
  assert.equal(pool.trimIfIdle(0), false, "nothing left to drop");
});
