// `ldplay pipeline DIR [-o OUTDIR] [--mode=declarative|postlink] [--kernel=X.Y] [--jobs=N]`: runs the
// build graph (or the 6.2–6.14 postlink recipe) on a fixture-like directory and writes every artifact
// it produced. Node adapter only: finds input files, feeds bytes to src/pipeline, prints a summary.
// With more than one job, independent rules run at once on a pool of worker threads (pipeline-pool.ts).

import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Pipeline } from '../pipeline/graph.ts';
import { PostlinkBuild } from '../pipeline/postlink.ts';
import { kernelVersion } from '../pipeline/rule.ts';
import { declarativeRules, importableArtifacts, kernelLinkObjects, postlinkSteps } from '../pipeline/rules.ts';
import type { Command } from './commands.ts';
import { createPoolRunner } from './pipeline-pool.ts';

const usage = 'usage: ldplay pipeline DIR [-o OUTDIR] [--mode=declarative|postlink] [--kernel=MAJOR.MINOR] [--jobs=N]\n';

interface PipelineArgs {
  dir: string;
  out?: string;
  mode: 'declarative' | 'postlink';
  kernel: string;
  /** Rules run at once (declarative mode): 1 runs them in this thread, one after another. */
  jobs: number;
}

function parsePipelineArgs(args: string[]): PipelineArgs | string {
  let dir: string | undefined;
  let out: string | undefined;
  let mode: PipelineArgs['mode'] = 'declarative';
  let kernel: string | undefined;
  let jobs = Math.min(availableParallelism(), 4);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-o') {
      out = args[++i];
      if (out === undefined) return 'option -o needs a directory';
    } else if (a.startsWith('--mode=')) {
      const m = a.slice(7);
      if (m !== 'declarative' && m !== 'postlink') return `unknown mode '${m}' (declarative or postlink)`;
      mode = m;
    } else if (a.startsWith('--kernel=')) kernel = a.slice(9);
    else if (a.startsWith('--jobs=') || a === '-j') {
      const v = a === '-j' ? args[++i] : a.slice(7);
      if (!/^\d{1,3}$/.test(v ?? '') || Number(v) < 1) return `--jobs wants a number of workers (1 or more), got '${v ?? ''}'`;
      jobs = Number(v);
    }
    else if (a.startsWith('-')) return `unknown option '${a}'`;
    else if (dir === undefined) dir = a;
    else return `unexpected argument '${a}'`;
  }
  if (!dir) return 'a directory is required';
  kernel ??= mode === 'postlink' ? '6.14' : '6.15';
  try {
    kernelVersion(kernel);
  } catch (e) {
    return (e as Error).message;
  }
  return { dir, out, mode, kernel, jobs };
}

/** Importable files found in DIR and DIR/inputs (first hit wins). */
function findInputs(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const where of [dir, join(dir, 'inputs')]) {
    for (const name of importableArtifacts) {
      const path = join(where, name);
      if (!found.has(name) && existsSync(path)) found.set(name, path);
    }
  }
  return found;
}

function readBytes(path: string): Uint8Array {
  const b = readFileSync(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A file read straight into a SharedArrayBuffer, which the pool's workers share without a copy. */
function readShared(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const bytes = new Uint8Array(new SharedArrayBuffer(fstatSync(fd).size));
    for (let at = 0; at < bytes.length;) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) throw new Error(`${path}: file shrank while being read`);
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

const short = (hash: string) => hash.slice(0, 16);
/** node:crypto's SHA-256, which (unlike WebCrypto) reads SharedArrayBuffer-backed bytes. */
const sha256 = async (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function runDeclarative(a: PipelineArgs, inputs: Map<string, string>): Promise<number> {
  const pool = a.jobs > 1 ? createPoolRunner(new URL('./pipeline-worker.mjs', import.meta.url), a.jobs) : undefined;
  const p = new Pipeline(declarativeRules({ kernel: a.kernel }), { kernel: a.kernel }, pool ? { run: pool.run, hash: sha256 } : {});
  for (const [name, path] of inputs) {
    // The final vmlinux is an output of this graph, never an input to it.
    if (name === 'vmlinux') continue;
    await p.put(name, pool ? readShared(path) : readBytes(path));
  }
  let reports;
  try {
    reports = await p.runAll({ concurrent: pool !== undefined });
  } finally {
    pool?.close();
  }
  const state = p.state();
  process.stdout.write(`pipeline (declarative, kernel ${a.kernel}): ${reports.length} rule(s) ran\n`);
  for (const r of state.rules) {
    const time = r.ms !== undefined ? ` ${r.ms.toFixed(0)} ms` : '';
    process.stdout.write(`  ${r.id.padEnd(10)} ${r.status.padEnd(11)} ${r.inputs.join(', ')} → ${r.outputs.join(', ')}${time}${r.why ? `  (${r.why})` : ''}\n`);
    for (const d of r.diagnostics) process.stdout.write(`             ${d.severity}: ${d.message.trimEnd()}\n`);
  }
  process.stdout.write('artifacts:\n');
  for (const art of state.artifacts) {
    process.stdout.write(`  ${art.name.padEnd(20)} ${String(art.size).padStart(10)}  sha256:${short(art.hash)}  ${art.producedBy}${art.stale ? ' (stale)' : ''}\n`);
  }
  if (a.out) {
    mkdirSync(a.out, { recursive: true });
    for (const art of state.artifacts) {
      if (art.producedBy !== 'import') writeFileSync(join(a.out, art.name), p.artifact(art.name)!.bytes);
    }
  }
  return state.rules.some((r) => r.status === 'failed') ? 1 : 0;
}

async function runPostlink(a: PipelineArgs, inputs: Map<string, string>): Promise<number> {
  const build = new PostlinkBuild(a.kernel, postlinkSteps(a.kernel));
  for (const [name, path] of inputs) if (name !== 'vmlinux' && name !== 'vmlinux.unstripped') await build.put(name, readBytes(path));
  const record = await build.runAll();
  process.stdout.write(`pipeline (postlink, kernel ${a.kernel}): ${record.ok ? 'ok' : 'FAILED'}\n`);
  for (const e of record.events) {
    const edit = e.before ? `  vmlinux ${short(e.before)} → ${short(e.after ?? '')}` : '';
    process.stdout.write(`  ${e.step.padEnd(10)} ${e.action.padEnd(10)} ${e.message}${edit}\n`);
  }
  process.stdout.write(`  vmlinux.relocs: ${record.relocsFile.status} — ${record.relocsFile.note}\n`);
  if (a.out) {
    mkdirSync(a.out, { recursive: true });
    for (const f of build.listFiles()) {
      if (f.producedBy !== 'import') writeFileSync(join(a.out, f.name), build.file(f.name)!);
    }
  }
  return record.ok ? 0 : 1;
}

export const pipelineCommand: Command = {
  summary: 'run the post-link graph (sysmap, sorttable, strip, …) on a fixture-like directory',
  async run(args) {
    const parsed = parsePipelineArgs(args);
    if (typeof parsed === 'string') {
      process.stderr.write(`ldplay pipeline: ${parsed}\n${usage}`);
      return 2;
    }
    if (!existsSync(parsed.dir)) {
      process.stderr.write(`ldplay pipeline: ${parsed.dir}: no such directory\n`);
      return 1;
    }
    const inputs = findInputs(parsed.dir);
    const canLink = kernelLinkObjects.every((n) => inputs.has(n)) && inputs.has('vmlinux.lds');
    if (!canLink && !inputs.has('vmlinux.unsorted') && !(parsed.mode === 'declarative' && inputs.has('vmlinux.unstripped'))) {
      process.stderr.write(`ldplay pipeline: ${parsed.dir} has neither the link inputs (${kernelLinkObjects.join(', ')}, vmlinux.lds) ` +
        `nor a linked vmlinux.unsorted${parsed.mode === 'declarative' ? ' or vmlinux.unstripped' : ''} (in DIR or DIR/inputs)\n`);
      return 1;
    }
    try {
      return parsed.mode === 'postlink' ? await runPostlink(parsed, inputs) : await runDeclarative(parsed, inputs);
    } catch (e) {
      process.stderr.write(`ldplay pipeline: ${(e as Error).message}\n`);
      return 1;
    }
  },
};
