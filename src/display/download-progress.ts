// Hub downloads in a notebook: one progress bar per file, updated in place.
import { formatBytes, type DownloadProgressFactory } from "../hub/progress.js";
import { escapeHtml, newDisplayId, showBundle } from "./notebook.js";

export function downloadHtml(file: string, downloaded: number, total: number | undefined, seconds: number): string {
  const ratio = total ? Math.min(1, downloaded / total) : undefined;
  const size = total ? `${formatBytes(downloaded)}/${formatBytes(total)}` : formatBytes(downloaded);
  const rate = seconds > 0 ? ` [${formatBytes(downloaded / seconds)}/s]` : "";
  const bar = ratio === undefined ? `<progress style="width:200px"></progress>` : `<progress value="${downloaded}" max="${total}" style="width:200px"></progress>`;
  const percent = ratio === undefined ? "" : ` ${(ratio * 100).toFixed(0)}%`;
  return `<div class="tt-download"><code>${escapeHtml(file)}</code>${percent} ${bar} ${size}${rate}</div>`;
}

/** Draws each hub download as a progress bar in the notebook (throttled to 5 updates a second). */
export const notebookDownloadProgress: DownloadProgressFactory = {
  start(file, total) {
    const displayId = newDisplayId();
    const began = Date.now();
    let last = 0;
    let drawn = 0;
    const draw = (downloaded: number, update: boolean) => {
      const seconds = (Date.now() - began) / 1000;
      showBundle(
        { "text/html": downloadHtml(file, downloaded, total, seconds), "text/plain": `${file}: ${formatBytes(downloaded)}` },
        { displayId, update },
      );
      drawn = Date.now();
    };
    draw(0, false);
    return {
      update(downloaded) {
        last = downloaded;
        if (Date.now() - drawn >= 200) draw(downloaded, true);
      },
      done() {
        draw(last, true);
      },
    };
  },
};
