// Makes `import ... from "tweet-transformers"` resolve inside this checkout for tools that do not
// follow package.json "exports" self-references (tslab's TypeScript resolves like Node 10).
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const link = path.join(__dirname, "..", "node_modules", "tweet-transformers");
fs.mkdirSync(path.dirname(link), { recursive: true });
try {
  if (fs.readlinkSync(link) === "..") process.exit(0);
} catch {}
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync("..", link, "dir");
