// Command-line flags of the bench scripts: `--name value` and `--name`.

/** The value after `--name`, or `fallback`. */
export function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** Whether `--name` is present. */
export function flag(name: string): boolean {
  return process.argv.includes(name);
}
