// Ctrl+C in a terminal and Jupyter's ■ (both SIGINT) stop train(), evaluate() and predict() at the
// next step boundary. While one runs, SIGINT comes here first instead of to the process's other
// listeners (tslab's, which would only fail the cell while the loop kept running); a second SIGINT
// goes on to them (tslab fails the cell at once; a terminal with no other listener exits).

/** Set by SIGINT; the loops check it between steps. */
export class StopFlag {
  requested = false;
}

const active = new Set<StopFlag>();
let others: Array<(...args: unknown[]) => void> = [];

function onSigint(signal: NodeJS.Signals): void {
  const first = [...active].some((f) => !f.requested);
  for (const f of active) f.requested = true;
  if (first) return;
  const handlers = others;
  restore();
  if (handlers.length === 0) process.kill(process.pid, signal);
  else for (const h of handlers) h(signal);
}

function restore(): void {
  process.removeListener("SIGINT", onSigint);
  for (const h of others) process.on("SIGINT", h);
  others = [];
}

/** Runs `body` with a flag that SIGINT sets. */
export async function stoppable<T>(body: (flag: StopFlag) => Promise<T>): Promise<T> {
  const flag = new StopFlag();
  if (active.size === 0) {
    others = process.listeners("SIGINT") as Array<(...args: unknown[]) => void>;
    process.removeAllListeners("SIGINT");
    process.on("SIGINT", onSigint);
  }
  active.add(flag);
  try {
    return await body(flag);
  } finally {
    active.delete(flag);
    if (active.size === 0 && process.listeners("SIGINT").includes(onSigint)) restore();
  }
}

/** Lets a pending SIGINT reach its listener: the loops compute synchronously between awaits. */
export function yieldToSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What an interrupted evaluate() or predict() throws (train() returns instead). */
export class Interrupted extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Interrupted";
  }
}
