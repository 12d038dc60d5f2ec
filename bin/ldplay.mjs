#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
// `ldplay` command: runs the bundled CLI (built by `npm ci` / `npm test` via scripts/build-cli.mjs).
// The shebang drops NODE_EXTRA_CA_CERTS: Node reads and parses that certificate file at every start
// (60 ms on a Debian machine whose bundle it names), and ldplay opens no TLS connection.
import { main } from '../dist-cli/ldplay.mjs';
process.exitCode = await main(process.argv.slice(2));
