import * as path from "node:path";

/** The repository root (this file is test/helpers/paths.ts). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** Read-only material beside the checkout, also present in CI. */
export const SHARED_DIR = process.env.TT_SHARED_DIR ?? path.resolve(REPO_ROOT, "..", "shared");
export const SHARED_HUB = path.join(SHARED_DIR, "hub");
export const FIXTURES_DIR = path.join(SHARED_DIR, "fixtures");
export const TINY_MODEL_DIR = path.join(FIXTURES_DIR, "distilbert-tiny");
