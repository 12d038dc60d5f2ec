#!/usr/bin/env node
// `ldplay` command: runs the bundled CLI (built by `npm ci` / `npm test` via scripts/build-cli.mjs).
import { main } from '../dist-cli/ldplay.mjs';
process.exitCode = await main(process.argv.slice(2));
