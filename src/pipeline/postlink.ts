// The 6.2–6.14 way, for contrast with the graph: one `vmlinux` file mutated in place by
// link-vmlinux.sh (link, mksysmap, sorttable) and arch/x86/Makefile.postlink (relocs into
// vmlinux.relocs, then objcopy strips vmlinux in place). A failing step makes make delete vmlinux
// (.DELETE_ON_ERROR); vmlinux.relocs is a side effect make never checks, so the record says when it is
// lost or stale. Sequence per docs kernel-pipeline.md §1.1, §3.1, §4.1. No I/O: a map of files.

import { sha256Hex, type ArtifactState } from './artifact.ts';
import { diagnosticsOf } from './graph.ts';
import { kernelAtLeast, kernelVersion } from './rule.ts';
import { StageError, type Diagnostic, type StageResult } from './stage.ts';

/** One command of the recipe: reads files, returns what to write. */
export interface PostlinkStep {
  id: string;
  /** The command the kernel build runs, for display. */
  command: string;
  /** The file the command writes through a shell redirection (truncated before the command runs). */
  redirectsTo?: string;
  run(files: ReadonlyMap<string, Uint8Array>): StageResult<unknown> | Promise<StageResult<unknown>>;
}

export type RelocsFileStatus = 'fresh' | 'stale' | 'lost' | 'missing';

export interface PostlinkEvent {
  step: string;
  action: 'ran' | 'failed' | 'deleted' | 'truncated' | 'up-to-date';
  message: string;
  /** For in-place edits of vmlinux: its hash before and after. */
  before?: string;
  after?: string;
  diagnostics?: Diagnostic[];
}

export interface PostlinkRecord {
  kernel: string;
  ok: boolean;
  events: PostlinkEvent[];
  /** What make cannot tell you about arch/x86/boot/compressed/vmlinux.relocs. */
  relocsFile: { status: RelocsFileStatus; derivedFrom?: string; expectedFrom?: string; note: string };
}

interface BuildFile {
  bytes: Uint8Array;
  hash: string;
  writtenBy: string;
  /** For vmlinux.relocs: hash of the vmlinux it was computed from. */
  derivedFrom?: string;
}

const RELOCS = 'vmlinux.relocs';

export class PostlinkBuild {
  private readonly files = new Map<string, BuildFile>();
  private next = 0;
  private events: PostlinkEvent[] = [];
  private failed = false;
  /** Hash of the sorted vmlinux this run's relocs should read (known once sorttable ran). */
  private relocsSource?: string;
  /** Inputs of the last finished run: make reruns the recipe only when they change. */
  private settled?: string;

  constructor(
    readonly kernel: string,
    readonly steps: readonly PostlinkStep[],
  ) {
    kernelVersion(kernel);
    if (!kernelAtLeast(kernel, 6, 2) || kernelAtLeast(kernel, 6, 15)) {
      throw new StageError(`kernel ${kernel} has no Makefile.postlink strip: the postlink mode covers 6.2–6.14`);
    }
  }

  /** Places a user-supplied file in the build directory (sources, or a prebuilt link result). */
  async put(name: string, bytes: Uint8Array): Promise<void> {
    this.files.set(name, { bytes, hash: await sha256Hex(bytes), writtenBy: 'import' });
  }

  file(name: string): Uint8Array | undefined {
    return this.files.get(name)?.bytes;
  }

  listFiles(): ArtifactState[] {
    return [...this.files.entries()].map(([name, f]) => ({ name, size: f.bytes.length, hash: f.hash, producedBy: f.writtenBy, stale: false }));
  }

  /** True while a recipe run is in progress (between its first and last command). */
  get running(): boolean {
    return this.next > 0;
  }

  /** Runs the next command of the recipe, starting a run when none is in progress; null when
   *  nothing is left: make would find vmlinux up to date (or fail the same way again). */
  async step(): Promise<PostlinkEvent | null> {
    if (this.next === 0) {
      if (this.settled === this.inputsKey() && this.files.has('vmlinux')) return null;
      this.events = [];
      this.failed = false;
      this.relocsSource = undefined;
    }
    const step = this.steps[this.next++];
    const before = this.files.get('vmlinux')?.hash;
    if (step.redirectsTo) {
      // `cmd > file`: the shell truncates the file before the command runs.
      const empty = new Uint8Array(0);
      this.files.set(step.redirectsTo, { bytes: empty, hash: await sha256Hex(empty), writtenBy: step.id });
    }
    try {
      const view = new Map([...this.files.entries()].map(([n, f]) => [n, f.bytes]));
      const result = await step.run(view);
      for (const [name, bytes] of Object.entries(result.outputs)) {
        const f: BuildFile = { bytes, hash: await sha256Hex(bytes), writtenBy: step.id };
        if (name === RELOCS) f.derivedFrom = before;
        this.files.set(name, f);
      }
      const after = this.files.get('vmlinux')?.hash;
      if (step.id === 'sorttable') this.relocsSource = after;
      if (this.next === this.steps.length) this.finish();
      const inPlace = before !== undefined && 'vmlinux' in result.outputs;
      return this.log({
        step: step.id, action: 'ran', message: inPlace ? `${step.command}  (vmlinux rewritten in place)` : step.command,
        before: inPlace ? before : undefined, after: inPlace ? after : undefined, diagnostics: result.diagnostics,
      });
    } catch (e) {
      this.failed = true;
      const diagnostics = diagnosticsOf(e);
      this.log({ step: step.id, action: 'failed', message: `${step.command}: ${diagnostics[0]?.message ?? 'failed'}`, diagnostics });
      if (step.redirectsTo) {
        this.log({ step: step.id, action: 'truncated', message: `${step.redirectsTo} was truncated by the shell redirection and stays empty` });
      }
      if (this.files.delete('vmlinux')) this.log({ step: 'make', action: 'deleted', message: "make: *** Deleting file 'vmlinux'" });
      this.finish();
      return this.events.at(-1)!;
    }
  }

  /** Runs one whole recipe (or reports that make has nothing to do) and returns its record. */
  async runAll(): Promise<PostlinkRecord> {
    const first = await this.step();
    if (!first) {
      this.events = [{ step: 'make', action: 'up-to-date', message: "make: 'vmlinux' is up to date." }];
      return this.record();
    }
    while (this.running) await this.step();
    return this.record();
  }

  private finish(): void {
    this.next = 0;
    this.settled = this.inputsKey();
  }

  record(): PostlinkRecord {
    return { kernel: this.kernel, ok: !this.failed, events: [...this.events], relocsFile: this.relocsStatus() };
  }

  private relocsStatus(): PostlinkRecord['relocsFile'] {
    const f = this.files.get(RELOCS);
    if (!this.steps.some((s) => s.redirectsTo === RELOCS)) return { status: 'missing', note: 'no relocs step in this recipe' };
    if (!f) return { status: 'missing', note: 'vmlinux.relocs does not exist: the bzImage rule will fail with "No rule to make target"' };
    if (f.bytes.length === 0) {
      return { status: 'lost', note: 'vmlinux.relocs is empty (relocs failed after the shell truncated it); make will not notice', derivedFrom: f.derivedFrom };
    }
    if (this.relocsSource && f.derivedFrom === this.relocsSource) {
      return { status: 'fresh', derivedFrom: f.derivedFrom, expectedFrom: this.relocsSource, note: 'computed from this build\'s sorted vmlinux' };
    }
    return {
      status: 'stale', derivedFrom: f.derivedFrom, expectedFrom: this.relocsSource,
      note: 'vmlinux.relocs comes from an earlier vmlinux; make has no rule for it, so the stale table would be packed into bzImage',
    };
  }

  private inputsKey(): string {
    return [...this.files.entries()].filter(([, f]) => f.writtenBy === 'import').map(([n, f]) => `${n}=${f.hash}`).sort().join('|');
  }

  private log(e: PostlinkEvent): PostlinkEvent {
    this.events.push(e);
    return e;
  }
}
