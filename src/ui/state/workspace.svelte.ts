// The playground's main-thread state (Svelte 5 runes): the artifacts the worker holds, which one
// and which view is shown, the stage timeline, the task in progress and what went wrong.
// All ELF work goes through the ElfClient; this module only orchestrates and remembers.

import type { ArtifactSummary, OpenEvent, Outcome, StageInfo, WorkerFailure } from '../../worker/api.ts';
import { ElfClient, WorkerStoppedError, type Source, type WorkerFactory } from '../../worker/client.ts';
import { archiveNotice, describeNonElfFile, foreignMachineNotice } from '../share/identify-file.ts';
import { splitCommandLine } from './command-line.ts';
import { editedTextBytes } from './edited-text.ts';
import type { Sample } from './samples.ts';

/** Whether an artifact is a vmlinux.relocs, shown as its entries (not realmode.relocs, whose lists
 *  carry counts instead of stop words). */
export function hasEntries(a: ArtifactSummary): boolean {
  return a.kind === 'binary' && /\.relocs$/.test(a.name) && !/realmode/.test(a.name);
}

export type Pane = 'sections' | 'map' | 'symbols' | 'relocations' | 'hex' | 'text' | 'script' | 'entries' | 'linkmap' | 'tables';

export interface Task {
  label: string;
  done: number;
  total: number;
}

export interface Problem {
  title: string;
  message: string;
  where?: string;
}

export interface HexFocus {
  file: string;
  offset: number;
  length: number;
}

export class Workspace {
  readonly client: ElfClient;
  artifacts = $state.raw<ArtifactSummary[]>([]);
  selected = $state('');
  #pane = $state<Pane>('sections');
  /** The shown view; a row selected in one view means nothing in another, so changing it clears `row`. */
  get pane(): Pane { return this.#pane; }
  set pane(next: Pane) { if (next !== this.#pane) this.row = -1; this.#pane = next; }
  sample = $state('');
  stages = $state.raw<StageInfo[]>([]);
  /** Index into `stages` of the step being looked at (-1: before the first). */
  cursor = $state(-1);
  kernel = $state('6.15');
  task = $state.raw<Task | null>(null);
  problem = $state<Problem | null>(null);
  notice = $state('');
  hexFocus = $state<HexFocus | null>(null);
  /** The relocation section shown in the relocations pane (-1: the first one). */
  relocationSection = $state(-1);
  /** The symbols view's search text and the selected row (a symbol, or in the relocations view a
   *  relocation of `relocationSection`), kept here so a link can carry them. */
  filter = $state('');
  row = $state(-1);
  /** The kernel tables view's table: __ex_table or the ORC unwind tables. */
  kernelTable = $state<'extable' | 'orc'>('extable');
  /** The link map's list: input sections (placed, then discarded) or symbol sources. */
  linkMapView = $state<'sections' | 'symbols'>('sections');
  /** The symbols view's sort column (a SymbolColumn) and direction; null: by index. */
  sort = $state.raw<{ column: string; descending: boolean } | null>(null);
  /** Linker scripts edited in this session (artifact name → text), so a link can carry them. */
  editedScripts = $state.raw<Record<string, string>>({});
  /** The user's files by the artifact name they are open as (a link embeds or references them). */
  userFiles = $state.raw<Record<string, File>>({});
  private abort: AbortController | null = null;
  /** Set while Run all / Run <stage> goes from step to step: the task strip keeps showing it between
   *  steps, so the controls stay disabled and the view is not left to clicks a later step overrides. */
  private batch: string | null = null;
  /** During a batch, the output of its latest step: shown when the batch ends rather than after each
   *  step, so the page does not render views a moment later replaced while the worker (sharing the
   *  cores) runs the next stage. */
  private batchOutput: string | null = null;

  constructor(factory: WorkerFactory) {
    this.client = new ElfClient(factory);
    this.client.onRestart = (reason, reopened) => {
      this.task = null;
      this.notice = reason === 'cancelled'
        ? `Cancelled. The worker was restarted; ${reopened.length} input file(s) reopened.`
        : `The worker stopped (${reason}) and was restarted; ${reopened.length} input file(s) reopened. Rerun the steps to rebuild later artifacts.`;
      const kept = new Set(reopened);
      this.artifacts = this.artifacts.filter((a) => kept.has(a.name));
      this.cursor = -1;
      void this.loadStages();
      if (!kept.has(this.selected)) this.selected = this.artifacts[0]?.name ?? '';
    };
  }

  get current(): ArtifactSummary | undefined {
    return this.artifacts.find((a) => a.name === this.selected);
  }

  async loadStages(): Promise<void> {
    this.stages = await this.client.stages();
  }

  /** ld's arguments for linking the user's own files, as typed ('' = the kernel graph's vmlinux link).
   *  A sample brings its own command (`sampleCommand`). */
  linkCommand = $state('');
  sampleCommand = $state.raw<string[] | undefined>(undefined);

  /** Links the open files with `text` (ld's syntax, split like a shell); '' goes back to the kernel
   *  graph. True when the worker took it; otherwise the problem banner says why. */
  async setLinkCommand(text: string): Promise<boolean> {
    let argv: string[];
    try {
      argv = splitCommandLine(text);
    } catch (err) {
      this.problem = { title: 'Link command', message: (err as Error).message };
      return false;
    }
    const r = await this.guard('Setting the link command', () => this.client.setBuild(argv.length ? { ld: argv } : {}));
    if (!r) return false;
    if (!r.ok) { this.fail('Link command', r.error); return false; }
    this.linkCommand = text.trim();
    this.stages = r.value;
    this.cursor = -1;
    return true;
  }

  async setKernel(kernel: string): Promise<void> {
    const r = await this.guard(`Switching to the ${kernel} graph`, () => this.client.setKernel(kernel));
    if (!r) return;
    if (!r.ok) { this.fail(`Kernel ${kernel}`, r.error); return; }
    this.kernel = kernel;
    this.stages = r.value;
    this.cursor = -1;
  }

  /** A relocation to show (a reference, a link error): the relocations view selects it, also when
   *  it is already open on that file. */
  relocationRequest = $state.raw<{ file: string; section: number; index: number } | null>(null);

  /** Shows relocation `index` of SHT_RELA section `section` of `file` in the relocations view. */
  showRelocation(file: string, section: number, index: number): void {
    this.select(file, 'relocations');
    this.relocationSection = section;
    this.row = index;
    this.relocationRequest = { file, section, index };
  }

  /** Shows `file`'s symbol table searched for `name` (a link error's symbol, a symbol source). */
  showSymbol(file: string, name: string): void {
    this.select(file, 'symbols');
    this.filter = name;
    this.row = -1;
  }

  select(name: string, pane?: Pane): void {
    if (name !== this.selected) { this.relocationSection = -1; this.hexFocus = null; this.filter = ''; this.row = -1; this.sort = null; }
    this.selected = name;
    const a = this.current;
    if (pane) this.pane = pane;
    else if (a && a.kind !== 'elf' && this.pane !== 'hex' && this.pane !== 'script') this.pane = a.kind === 'text' ? 'text' : hasEntries(a) ? 'entries' : 'hex';
    else if (a?.kind === 'elf' && (this.pane === 'text' || this.pane === 'script')) this.pane = 'sections';
  }

  private remember(summary: ArtifactSummary): void {
    this.artifacts = [...this.artifacts.filter((a) => a.name !== summary.name), summary];
  }

  private fail(title: string, error: WorkerFailure): void {
    const where = error.file !== undefined && error.offset !== undefined ? `${error.file} at offset 0x${error.offset.toString(16)}` : undefined;
    this.problem = { title, message: error.message, where };
  }

  private async guard<T>(label: string, work: () => Promise<T>): Promise<T | undefined> {
    this.task = { label, done: 0, total: 0 };
    this.problem = null;
    try {
      return await work();
    } catch (err) {
      if (err instanceof WorkerStoppedError) return undefined;
      if (err instanceof DOMException && err.name === 'AbortError') { this.notice = 'Cancelled.'; return undefined; }
      this.problem = { title: label, message: err instanceof Error ? err.message : String(err) };
      return undefined;
    } finally {
      this.task = this.batch ? { label: this.batch, done: 0, total: 0 } : null;
      this.abort = null;
    }
  }

  private async openSource(source: Source, onEvent?: (e: OpenEvent) => void): Promise<ArtifactSummary | undefined> {
    // Events are messages of their own: drop any that arrive after the open settled.
    let settled = false;
    const r: Outcome<ArtifactSummary> = await this.client.open(source, onEvent && ((e) => { if (!settled) onEvent(e); }));
    settled = true;
    if (!r.ok) {
      if (r.error.name !== 'AbortError') this.fail(`Could not open ${source.name}`, r.error);
      return undefined;
    }
    this.remember(r.value);
    await this.loadStages();
    return r.value;
  }

  /** Replaces a text artifact (an edited linker script) with new text, written as UTF-8. */
  async replaceText(name: string, text: string): Promise<void> {
    const bytes = editedTextBytes(text);
    await this.openSource({ name, load: async () => bytes.slice().buffer });
    this.editedScripts = { ...this.editedScripts, [name]: text };
  }

  /** Gives an opened file the artifact name a pipeline stage reads (vmlinux.o, vmlinux.unstripped, ...). */
  async useAs(name: string, role: string): Promise<void> {
    if (role === name || this.artifacts.some((a) => a.name === role)) {
      if (role !== name) this.problem = { title: `Cannot rename ${name}`, message: `${role} is already open` };
      return;
    }
    const r = await this.guard(`Opening ${name} as ${role}`, () => this.client.rename(name, role));
    if (!r) return;
    if (!r.ok) { this.fail(`Could not open ${name} as ${role}`, r.error); return; }
    this.artifacts = this.artifacts.filter((a) => a.name !== name);
    const { [name]: file, ...others } = this.userFiles;
    if (file) this.userFiles = { ...others, [role]: file };
    this.remember(r.value);
    this.select(role);
    await this.loadStages();
  }

  async closeAll(): Promise<void> {
    for (const a of this.artifacts) await this.client.close(a.name);
    this.artifacts = [];
    this.cursor = -1;
    await this.loadStages();
    this.selected = '';
    this.hexFocus = null;
    this.editedScripts = {};
    this.userFiles = {};
  }

  /** Opens a built-in sample, on the kernel graph it is laid out for unless `keepKernel` (a link
   *  names its own). */
  async openSample(sample: Sample, keepKernel = false): Promise<void> {
    await this.guard(`Opening sample ${sample.id}`, async () => {
      await this.closeAll();
      if (!keepKernel && sample.kernel && sample.kernel !== this.kernel) {
        const r = await this.client.setKernel(sample.kernel);
        if (r.ok) { this.kernel = sample.kernel; this.stages = r.value; this.cursor = -1; }
      }
      this.sample = sample.id;
      for (const [i, f] of sample.files.entries()) {
        this.task = { label: `Opening ${f.name}`, done: i, total: sample.files.length };
        await this.openSource({ name: f.name, allowBinary: false, load: async () => {
          const res = await fetch(f.url);
          if (!res.ok) throw new Error(`${f.name}: HTTP ${res.status}`);
          return res.arrayBuffer();
        } });
      }
      this.linkCommand = '';
      this.sampleCommand = sample.ld;
      const build = await this.client.setBuild({ ld: sample.ld });
      if (!build.ok) this.fail(`The ${sample.id} link command`, build.error);
      else this.stages = build.value;
      const first = this.artifacts.find((a) => a.kind === 'elf') ?? this.artifacts[0];
      if (first) this.select(first.name, 'sections');
    });
  }

  /** Opens user files; each File stays the source, so a restarted worker can read it again. The worker
   *  reads it headers first: their summary (marked `loading`) is listed and selected at once, so the
   *  section table shows while the rest streams in; views needing the whole file wait for it. */
  async openFiles(files: File[]): Promise<void> {
    if (files.length === 0) return;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    signal.addEventListener('abort', () => { void this.client.cancelReads(); });
    await this.guard(`Opening ${files.map((f) => f.name).join(', ')}`, async () => {
      let last: ArtifactSummary | undefined;
      for (const file of files) {
        const previous = this.artifacts.find((a) => a.name === file.name);
        const reading = (done: number) => { this.task = { label: `Reading ${file.name}`, done, total: file.size }; };
        reading(0);
        const summary = await this.openSource({ name: file.name, file, load: () => file.arrayBuffer() }, (e) => {
          if (signal.aborted) return;
          if (e.kind === 'progress') reading(e.done);
          else { this.remember(e.summary); this.select(e.summary.name, 'sections'); }
        });
        if (!summary) {
          // Take back the headers-only entry; a file of that name opened before stays as it was.
          this.artifacts = this.artifacts.filter((a) => a.name !== file.name);
          if (previous) this.remember(previous);
          else if (this.selected === file.name) this.selected = last?.name ?? this.artifacts[0]?.name ?? '';
        }
        if (signal.aborted) throw new DOMException('Reading was cancelled', 'AbortError');
        if (summary) {
          last = summary;
          this.userFiles = { ...this.userFiles, [file.name]: file };
          this.notice = foreignMachineNotice(file.name, summary.header) || archiveNotice(file.name, summary.archive) || this.notice;
        }
        else if (this.problem && /not an ELF file|too short for e_ident/.test(this.problem.message)) {
          const what = await describeNonElfFile(file);
          if (what) this.problem = { ...this.problem, message: `${this.problem.message}; ${what}` };
        }
      }
      if (last && this.sample) {
        // The user's own files: follow the kernel's graph, not the sample's link command.
        this.sample = '';
        this.sampleCommand = undefined;
        this.linkCommand = '';
        const build = await this.client.setBuild({});
        if (build.ok) this.stages = build.value;
      }
      // A file already shown from its headers keeps the view the user picked meanwhile.
      if (last) this.select(last.name, last.kind === 'elf' && this.selected !== last.name ? 'sections' : undefined);
    });
  }

  /** Shows a query that runs long (a heavy regex, a first index build) in the task strip, so it can
   *  be cancelled; quick ones never flash the strip. */
  async track<T>(label: string, work: Promise<T>): Promise<T> {
    let mine: Task | null = null;
    const timer = setTimeout(() => {
      if (!this.task) this.task = mine = { label, done: 0, total: 0 };
    }, 250);
    try {
      return await work;
    } finally {
      clearTimeout(timer);
      if (mine && this.task === mine) this.task = null;
    }
  }

  /** Stops the current task: aborts a file read, or restarts the worker mid-call. */
  async cancel(): Promise<void> {
    if (this.abort) { this.abort.abort(); return; }
    await this.client.cancel();
  }

  /** Runs the next stage with work to do. Returns its id, or null when nothing can run. */
  async stepForward(quiet = false): Promise<string | null> {
    const r = await this.guard('Running the next step', () => this.client.step((p) => {
      this.task = { label: p.message, done: p.done, total: p.total };
    }));
    if (!r) return null;
    if (!r.ok) { this.fail('Step failed', r.error); return null; }
    await this.loadStages();
    const run = r.value;
    if (!run) {
      if (!quiet) this.notice = 'Nothing left to run: every stage whose inputs exist is up to date.';
      return null;
    }
    this.cursor = this.stages.findIndex((s) => s.id === run.stage);
    for (const o of run.outputs) this.remember(o);
    const stage = this.stages[this.cursor];
    if (run.action === 'failed') {
      const d = stage?.diagnostics[0];
      this.problem = { title: `${run.stage} failed`, message: stage?.diagnostics.map((x) => x.message.trim()).join('\n') ?? '',
        where: d?.file ? `${d.file}${d.offset !== undefined ? ` at offset 0x${d.offset.toString(16)}` : ''}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}` : undefined };
    } else if (run.outputs[0]) {
      if (this.batch) this.batchOutput = run.outputs[0].name;
      else this.select(run.outputs[0].name);
    }
    return run.stage;
  }

  /** Whether some stage can run now. */
  get canStep(): boolean {
    return this.stages.some((s) => s.status === 'pending');
  }

  stepBack(): void {
    let i = this.cursor - 1;
    while (i >= 0 && this.stages[i].runs === 0) i--;
    this.cursor = i;
    const stage = this.stages[i];
    const shown = stage?.outputs.find((o) => this.artifacts.some((a) => a.name === o))
      ?? this.artifacts.find((a) => !this.stages.some((s) => s.outputs.includes(a.name)))?.name;
    if (shown) this.select(shown);
  }

  /** Steps until stage `id` has run (running what it needs first), or nothing more can run. */
  async runStage(id: string): Promise<void> {
    await this.inBatch(`Running up to ${id}`, async () => {
      for (let ran = await this.stepForward(true); ran !== null && ran !== id; ran = await this.stepForward(true));
    });
  }

  /** Runs every step that can run; a failed stage does not stop the others (its banner stays). */
  async runToEnd(): Promise<void> {
    await this.inBatch('Run all', async () => {
      let failure: Problem | null = null;
      while ((await this.stepForward(true)) !== null) failure = this.problem ?? failure;
      if (failure) this.problem = failure;
    });
  }

  private async inBatch(label: string, steps: () => Promise<void>): Promise<void> {
    this.batch = label;
    this.batchOutput = null;
    try {
      await steps();
    } finally {
      this.batch = null;
      if (this.batchOutput && this.artifacts.some((a) => a.name === this.batchOutput)) this.select(this.batchOutput);
      this.batchOutput = null;
      if (this.task?.label === label) this.task = null;
    }
  }
}
