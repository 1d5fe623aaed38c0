/**
 * Run a command in-process, capturing what it writes as text to stdout and stderr (console.warn
 * included); node:test's own binary writes pass through.
 */
export async function capture(fn: () => Promise<number | void>): Promise<{ code: number | void; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const streams = [
    [process.stdout, out],
    [process.stderr, err],
  ] as const;
  const originals = streams.map(([s]) => s.write);
  streams.forEach(([stream, sink], i) => {
    stream.write = function (this: unknown, chunk: string | Uint8Array, ...rest: unknown[]) {
      if (typeof chunk !== "string") return (originals[i] as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      sink.push(chunk);
      return true;
    } as typeof stream.write;
  });
  try {
    const code = await fn();
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    streams.forEach(([stream], i) => (stream.write = originals[i]));
  }
}
