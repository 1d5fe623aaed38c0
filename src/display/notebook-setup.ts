// In a tslab kernel, hub downloads and `trainer.train()` draw their progress as notebook outputs,
// the way transformers switches to its notebook views in Jupyter, and the backend line is plain
// output rather than a red stderr box.
import { setBackendAnnouncer } from "../backend.js";
import { useShortErrors } from "../errors.js";
import { setDownloadProgressFactory } from "../hub/progress.js";
import { setDefaultProgressCallback } from "../trainer/progress.js";
import { notebookDownloadProgress } from "./download-progress.js";
import { inNotebook } from "./notebook.js";
import { NotebookProgressCallback } from "./training-progress.js";

/** Switches progress output to notebook views when running in a tslab kernel; returns whether it did. */
export function useNotebookProgress(): boolean {
  if (!inNotebook()) return false;
  setDownloadProgressFactory(notebookDownloadProgress);
  setDefaultProgressCallback(() => new NotebookProgressCallback());
  setBackendAnnouncer((line) => console.log(line));
  useShortErrors();
  return true;
}
