// The output folder is checked before training starts (a read-only or misplaced folder would otherwise
// fail at the first checkpoint, after an epoch of work), and write errors name the path and the fix.
import { promises as fs } from "node:fs";
import * as path from "node:path";

/** `err` (from writing under `where`) in words that say what to do; other errors are returned as they are. */
export function explainWriteError(err: unknown, where: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const at = path.resolve(where);
  const cause = { cause: err };
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return new Error(
        `No space left on the disk while writing to ${at} (${code}). Free some space, or keep fewer checkpoints ` +
          `(saveTotalLimit: 1, saveOnlyModel: true, or saveStrategy: "no"), or choose an outputDir on another disk.`,
        cause,
      );
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return new Error(`Cannot write to ${at} (${code}: not writable). Choose an outputDir in a folder you can write to, e.g. in your home folder.`, cause);
    case "ENOTDIR":
    case "EEXIST":
      return new Error(`Cannot create the folder ${at}: a file is in the way (${code}). Choose another outputDir.`, cause);
    default:
      return err;
  }
}

/** Creates `dir` when needed and checks that files can be written in it, before any training happens. */
export async function checkOutputDir(dir: string): Promise<void> {
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(probe, "");
    await fs.rm(probe, { force: true });
  } catch (err) {
    throw explainWriteError(err, dir);
  }
}
