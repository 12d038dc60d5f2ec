// `ldplay link`: GNU ld's command line over the same link() the browser runs. Reads the files the
// arguments name (objects, archives and thin-archive members, -l libraries via -L, the script),
// writes the outputs, prints ld-shaped diagnostics; exit 1 on a link error, as ld.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isArchive, readArchive } from '../elf/index.ts';
import { implicitScriptInputs, isImplicitScript } from '../link/implicit-script.ts';
import { link } from '../link/link.ts';
import { libraryCandidates, parseLinkArguments } from '../link/options.ts';
import { StageError } from '../pipeline/stage.ts';
import type { Command } from './commands.ts';
import { isSystemError, strerror } from './system-error.ts';

/** node:crypto's SHA-1 (OpenSSL, SHA-NI where the CPU has it) over the build-id's parts. */
function nativeSha1(parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha1');
  for (const p of parts) hash.update(p);
  return new Uint8Array(hash.digest());
}

/**
 * Writes an output as ld does: an existing regular file or symlink is unlinked first rather than
 * truncated or followed, and the image gets a new executable's mode, 0777 less the umask. (On ext4 a
 * file truncated and rewritten is also flushed when it is closed, auto_da_alloc: ~25 ms a link.)
 */
function writeOutput(path: string, bytes: Uint8Array, executable: boolean): void {
  try {
    const old = lstatSync(path);
    if (old.isFile() || old.isSymbolicLink()) unlinkSync(path);
  } catch {
    // Nothing there, or not removable: as ld, the open below says what is wrong.
  }
  try {
    writeFileSync(path, bytes, { mode: executable ? 0o777 : 0o666 });
  } catch (e) {
    if (!isSystemError(e)) throw e;
    throw new StageError(`ld: cannot open output file ${path}: ${strerror(e)}`, [{ severity: 'error', message: `cannot open output file ${path}`, file: path }]);
  }
}

const load = (p: string) => { const b = readFileSync(p); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); };

export const linkCommand: Command = {
  summary: 'link objects like GNU ld (-T script, --emit-relocs, -Map, archives, -l/-L)',
  async run(args) {
    try {
      // The CLI prints no record, so it asks for no relocation byte steps (the playground does).
      const options = { ...parseLinkArguments(args), sha1: nativeSha1, recordSteps: 0 };
      const files = new Map<string, Uint8Array>();
      const loaded: [string, Uint8Array][] = []; // in load order, for the scan below
      const add = (name: string) => {
        if (files.has(name) || !existsSync(name)) return;
        const bytes = load(name);
        files.set(name, bytes);
        loaded.push([name, bytes]);
      };
      for (const item of options.inputs) {
        if (item.kind === 'file') add(item.name);
        else for (const name of libraryCandidates(item.name, options.searchDirs)) add(name);
      }
      // Implicit linker scripts (libm.a) name more files, which may be scripts or thin archives too.
      for (let scanned = 0; scanned < loaded.length;) {
        const [name, bytes] = loaded[scanned++];
        if (isImplicitScript(bytes)) {
          try {
            for (const input of implicitScriptInputs(bytes, name, options.searchDirs)) for (const c of input.candidates) add(c);
          } catch (e) {
            if (!(e instanceof StageError)) throw e; // the link reports it where the script is opened
          }
        } else if (isArchive(bytes)) {
          const archive = readArchive(bytes, name);
          if (archive.thin) for (const m of archive.members) add(join(dirname(name), m.name));
        }
      }
      if (options.script) add(options.script);
      const result = link([...files].map(([name, bytes]) => ({ name, bytes })), options);
      for (const d of result.diagnostics) process.stderr.write(d.message + '\n');
      if (options.perf) for (const p of result.record.passes) process.stderr.write(`${String(p.milliseconds).padStart(6)} ms  ${p.name}\n`);
      for (const [name, bytes] of Object.entries(result.outputs)) writeOutput(name, bytes, name === options.output);
      return 0;
    } catch (e) {
      if (e instanceof StageError) { process.stderr.write(e.message + '\n'); return e.exitCode; }
      if (e instanceof Error && e.name === 'ElfFormatError') { process.stderr.write(`ld: ${e.message}\n`); return 1; }
      throw e;
    }
  },
};
