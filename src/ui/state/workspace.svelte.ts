// The playground's main-thread state (Svelte 5 runes): the artifacts the worker holds, which one
// and which view is shown, the stage timeline, the task in progress and what went wrong.
// All ELF work goes through the ElfClient; this module only orchestrates and remembers.

import type { ArtifactSummary, Outcome, StageInfo, StageRun, WorkerFailure } from '../../worker/api.ts';
import { ElfClient, WorkerStoppedError, type Source, type WorkerFactory } from '../../worker/client.ts';
import { readFileWithProgress } from './read-file.ts';
import type { Sample } from './samples.ts';

export type Pane = 'sections' | 'map' | 'symbols' | 'relocations' | 'hex' | 'text' | 'script';

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

export type StepState = { status: 'done'; run: StageRun } | { status: 'failed'; error: WorkerFailure };

export interface HexFocus {
  file: string;
  offset: number;
  length: number;
}

export class Workspace {
  readonly client: ElfClient;
  artifacts = $state.raw<ArtifactSummary[]>([]);
  selected = $state('');
  pane = $state<Pane>('sections');
  sample = $state('');
  stages = $state.raw<StageInfo[]>([]);
  steps = $state.raw<Record<string, StepState>>({});
  /** Index into `stages` of the step being looked at. */
  cursor = $state(-1);
  task = $state<Task | null>(null);
  problem = $state<Problem | null>(null);
  notice = $state('');
  hexFocus = $state<HexFocus | null>(null);
  /** The relocation section shown in the relocations pane (-1: the first one). */
  relocationSection = $state(-1);
  private abort: AbortController | null = null;

  constructor(factory: WorkerFactory) {
    this.client = new ElfClient(factory);
    this.client.onRestart = (reason, reopened) => {
      this.notice = reason === 'cancelled'
        ? `Cancelled. The worker was restarted; ${reopened.length} input file(s) reopened.`
        : `The worker stopped (${reason}) and was restarted; ${reopened.length} input file(s) reopened. Rerun the steps to rebuild later artifacts.`;
      const kept = new Set(reopened);
      this.artifacts = this.artifacts.filter((a) => kept.has(a.name));
      this.steps = {};
      this.cursor = -1;
      if (!kept.has(this.selected)) this.selected = this.artifacts[0]?.name ?? '';
    };
  }

  get current(): ArtifactSummary | undefined {
    return this.artifacts.find((a) => a.name === this.selected);
  }

  async loadStages(): Promise<void> {
    this.stages = await this.client.stages();
  }

  select(name: string, pane?: Pane): void {
    if (name !== this.selected) { this.relocationSection = -1; this.hexFocus = null; }
    this.selected = name;
    const a = this.current;
    if (pane) this.pane = pane;
    else if (a && a.kind !== 'elf' && this.pane !== 'hex' && this.pane !== 'script') this.pane = a.kind === 'text' ? 'text' : 'hex';
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
      this.task = null;
      this.abort = null;
    }
  }

  private async openSource(source: Source): Promise<ArtifactSummary | undefined> {
    const r: Outcome<ArtifactSummary> = await this.client.open(source);
    if (!r.ok) { this.fail(`Could not open ${source.name}`, r.error); return undefined; }
    this.remember(r.value);
    return r.value;
  }

  /** Replaces a text artifact (an edited linker script) with new text, written as Latin-1 bytes. */
  async replaceText(name: string, text: string): Promise<void> {
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
    await this.openSource({ name, load: async () => bytes.slice().buffer });
  }

  async closeAll(): Promise<void> {
    for (const a of this.artifacts) await this.client.close(a.name);
    this.artifacts = [];
    this.steps = {};
    this.cursor = -1;
    this.selected = '';
    this.hexFocus = null;
  }

  async openSample(sample: Sample): Promise<void> {
    await this.guard(`Opening sample ${sample.id}`, async () => {
      await this.closeAll();
      this.sample = sample.id;
      for (const [i, f] of sample.files.entries()) {
        this.task = { label: `Opening ${f.name}`, done: i, total: sample.files.length };
        await this.openSource({ name: f.name, allowBinary: false, load: async () => {
          const res = await fetch(f.url);
          if (!res.ok) throw new Error(`${f.name}: HTTP ${res.status}`);
          return res.arrayBuffer();
        } });
      }
      const first = this.artifacts.find((a) => a.kind === 'elf') ?? this.artifacts[0];
      if (first) this.select(first.name, 'sections');
    });
  }

  /** Opens user files; each File stays the source, so a restarted worker can read it again. */
  async openFiles(files: File[]): Promise<void> {
    if (files.length === 0) return;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    await this.guard(`Opening ${files.map((f) => f.name).join(', ')}`, async () => {
      let last: ArtifactSummary | undefined;
      for (const file of files) {
        const load = () => readFileWithProgress(file, (done, total) => { this.task = { label: `Reading ${file.name}`, done, total }; }, signal);
        this.task = { label: `Reading ${file.name}`, done: 0, total: file.size };
        const summary = await this.openSource({ name: file.name, load });
        if (summary) { last = summary; this.sample = ''; }
      }
      if (last) this.select(last.name, last.kind === 'elf' ? 'sections' : undefined);
    });
  }

  /** Stops the current task: aborts a file read, or restarts the worker mid-call. */
  async cancel(): Promise<void> {
    if (this.abort) { this.abort.abort(); return; }
    await this.client.cancel();
  }

  ready(stage: StageInfo): boolean {
    return stage.available && stage.inputs.every((n) => this.artifacts.some((a) => a.name === n));
  }

  async runStage(id: string): Promise<boolean> {
    const index = this.stages.findIndex((s) => s.id === id);
    const r = await this.guard(`Running ${id}`, () => this.client.runStage(id, {}, (p) => {
      this.task = { label: p.message || `Running ${id}`, done: p.done, total: p.total };
    }));
    if (!r) return false;
    this.cursor = index;
    if (!r.ok) {
      this.steps = { ...this.steps, [id]: { status: 'failed', error: r.error } };
      this.fail(`${id} failed`, r.error);
      return false;
    }
    this.steps = { ...this.steps, [id]: { status: 'done', run: r.value } };
    for (const o of r.value.outputs) this.remember(o);
    if (r.value.outputs[0]) this.select(r.value.outputs[0].name);
    return true;
  }

  /** The next stage that can run now and has not run yet. */
  nextStage(): StageInfo | undefined {
    return this.stages.find((s) => !this.steps[s.id] && this.ready(s));
  }

  async stepForward(): Promise<void> {
    const next = this.nextStage();
    if (next) await this.runStage(next.id);
  }

  stepBack(): void {
    const done = this.stages.map((s, i) => (this.steps[s.id] ? i : -1)).filter((i) => i >= 0 && i < this.cursor);
    this.cursor = done.length ? done[done.length - 1] : -1;
    const stage = this.stages[this.cursor];
    const step = stage && this.steps[stage.id];
    if (step?.status === 'done' && step.run.outputs[0]) this.select(step.run.outputs[0].name);
    else if (this.cursor < 0) {
      const first = this.artifacts.find((a) => !Object.values(this.steps).some((s) => s.status === 'done' && s.run.outputs.some((o) => o.name === a.name)));
      if (first) this.select(first.name);
    }
  }

  async runToEnd(): Promise<void> {
    for (let next = this.nextStage(); next; next = this.nextStage()) {
      if (!(await this.runStage(next.id))) return;
    }
  }
}
