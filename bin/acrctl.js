#!/usr/bin/env node
// Launcher: the compiled CLI lives in dist/ (built by `npm run build`, which `npm ci` runs via `prepare`).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Interrupted (130 SIGINT, 143 SIGTERM): the journal and the lock are settled; calls cut off
    // mid-flight must not keep the process alive.
    if (code >= 128) process.exit(code);
  },
  (err) => {
    // main() maps every expected error to an exit code; anything reaching here is a bug.
    process.stderr.write(`acrctl: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.ACRCTL_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
    process.exitCode = 1;
  },
);
