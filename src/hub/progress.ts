// Download progress: a pluggable renderer; the default draws a bar on stderr for big files in a terminal.
import { envFlag } from "./config.js";

export interface ProgressHandle {
  /** `downloaded`: bytes of the file on disk so far (a resumed download starts above 0). */
  update(downloaded: number): void;
  /** Called once, when the download ends (successfully or not). */
  done(): void;
}

export interface DownloadProgressFactory {
  /** Called for every file fetched over the network; `total` is its size in bytes when known. */
  start(file: string, total?: number): ProgressHandle;
}

/** Files at least this big get the terminal bar. */
export const PROGRESS_BAR_MIN_BYTES = 5 * 1024 * 1024;

const NOOP: ProgressHandle = { update() {}, done() {} };

export const terminalProgress: DownloadProgressFactory = {
  start(file, total) {
    const stream = process.stderr;
    if (!stream.isTTY || envFlag("HF_HUB_DISABLE_PROGRESS_BARS") || total === undefined || total < PROGRESS_BAR_MIN_BYTES) {
      return NOOP;
    }
    const began = Date.now();
    let lastDraw = 0;
    const draw = (downloaded: number, final: boolean): void => {
      const now = Date.now();
      if (!final && now - lastDraw < 100) return;
      lastDraw = now;
      const ratio = Math.min(1, downloaded / total);
      const width = 30;
      const filled = Math.round(ratio * width);
      const seconds = Math.max((now - began) / 1000, 1e-3);
      const line = `${file.length > 40 ? `…${file.slice(-39)}` : file} ${(ratio * 100).toFixed(0).padStart(3)}%|${"█".repeat(filled)}${" ".repeat(width - filled)}| ${formatBytes(downloaded)}/${formatBytes(total)} [${formatBytes(downloaded / seconds)}/s]`;
      stream.write(`\r${line}\x1b[K${final ? "\n" : ""}`);
    };
    let last = 0;
    return {
      update(downloaded) {
        last = downloaded;
        draw(downloaded, false);
      },
      done() {
        draw(last, true);
      },
    };
  },
};

let factory: DownloadProgressFactory = terminalProgress;

/** Replaces the progress renderer (e.g. with a notebook widget); `null` restores the terminal bar. */
export function setDownloadProgressFactory(next: DownloadProgressFactory | null): void {
  factory = next ?? terminalProgress;
}

export function startProgress(file: string, total?: number): ProgressHandle {
  return factory.start(file, total);
}

export function formatBytes(n: number): string {
  const units = ["B", "kB", "MB", "GB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)}${units[i]}`;
}
