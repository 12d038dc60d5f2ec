// The worker's view of the build graph (src/pipeline): imports opened files the rules read, steps
// the graph, and turns rule states into StageInfo rows with a bounded preview of each record.
// It adds no stage logic: rules, order and artifact names come from src/pipeline/rules.ts.
// A stage the pipeline does not have yet (the link) is listed as unavailable so the timeline reads
// vmlinux.o → vmlinux.unsorted → ... as the kernel builds it.

import { Pipeline, type RuleState } from '../pipeline/graph.ts';
import { checkRules, declarativeRules, defaultKaslrOffset, importableArtifacts } from '../pipeline/rules.ts';
import { StageError } from '../pipeline/stage.ts';
import type { Rule } from '../pipeline/rule.ts';
import type { Progress, StageInfo } from './api.ts';
import { kernelStyleArgv, linkRule } from './link-rule.ts';
import { previewRecord, summarizeRecord } from './record-preview.ts';

export interface StepOutcome {
  stage: string;
  action: 'ran' | 'cached' | 'failed';
  ms: number;
  outputs: { name: string; bytes: Uint8Array }[];
}

const LINK_PLACEHOLDER = { id: 'link', title: 'Link (ld)', inputs: ['vmlinux.o', 'vmlinux.lds'], outputs: ['vmlinux.unsorted'] };

/** What to build: an optional link (a sample's ld command) and whether the kernel graph follows. */
export interface BuildPlan {
  ld?: string[];
}

export class PipelineRunner {
  private pipeline: Pipeline;
  private rules: Rule[];
  private plan: BuildPlan = {};
  private readonly imported = new Map<string, Uint8Array>();
  private kaslrOffset = defaultKaslrOffset;

  constructor(private kernel = '6.15') {
    this.rules = this.buildRules();
    this.pipeline = new Pipeline(this.rules, { kernel, kaslrOffset: this.kaslrOffset });
  }

  /** The kernel graph, preceded by the sample's link; a program (non-kernel) link stands alone. */
  private buildRules(): Rule[] {
    const kernelGraph = () => [...declarativeRules({ kernel: this.kernel }), ...checkRules({ kernel: this.kernel })];
    if (!this.plan.ld) return kernelGraph();
    const { argv, kernel } = kernelStyleArgv(this.plan.ld);
    const link = linkRule({ argv });
    // The sample's link replaces the graph's own (which links the kernel's vmlinux.o and friends).
    return kernel ? [link, ...kernelGraph().filter((r) => r.id !== 'link')] : [link];
  }

  private async rebuild(): Promise<void> {
    this.rules = this.buildRules();
    this.pipeline = new Pipeline(this.rules, { kernel: this.kernel, kaslrOffset: this.kaslrOffset });
    for (const [name, bytes] of this.imported) await this.pipeline.put(name, bytes);
  }

  /** Sets the sample's ld command (or none); files opened before are offered to the new graph. */
  async setPlan(plan: BuildPlan, files: Map<string, Uint8Array>): Promise<void> {
    this.plan = plan;
    this.rules = this.buildRules();
    for (const [name, bytes] of files) if (this.known(name)) this.imported.set(name, bytes);
    await this.rebuild();
  }

  /** Artifact names the graph reads or writes (others are just files to look at). */
  private known(name: string): boolean {
    return (importableArtifacts as readonly string[]).includes(name)
      || this.rules.some((r) => r.outputs.includes(name) || r.inputs.some((i) => (typeof i === 'string' ? i === name : i.includes(name))));
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    if (!this.known(name)) return;
    this.imported.set(name, bytes);
    await this.pipeline.put(name, bytes);
  }

  remove(name: string): void {
    this.imported.delete(name);
    this.pipeline.remove(name);
  }

  /** Switches the kernel version whose graph is followed; imported files carry over. */
  async setKernel(kernel: string): Promise<void> {
    declarativeRules({ kernel }); // throws for versions the graph does not model
    this.kernel = kernel;
    await this.rebuild();
  }

  /** The displacement the kaslr rule applies; only that rule's cache key changes. */
  setKaslrOffset(offset: string): void {
    if (!/^(0x[0-9a-f]+|\d+)$/i.test(offset)) throw new StageError(`KASLR offset '${offset}' is not a number (e.g. 0x1000000)`);
    this.kaslrOffset = offset;
    this.pipeline.options.kaslrOffset = offset;
  }

  get kaslr(): string {
    return this.kaslrOffset;
  }

  stages(): StageInfo[] {
    const states = this.pipeline.list();
    const out = states.map((s) => this.info(s));
    if (!this.rules.some((r) => r.id === 'link')) {
      out.unshift({
        ...LINK_PLACEHOLDER, explanation: '', follows: '', available: false, status: 'unavailable',
        why: 'the link stage is not part of this build yet; open a linked vmlinux.unsorted instead', runs: 0, summary: [], diagnostics: [],
      });
    }
    return out;
  }

  private info(s: RuleState): StageInfo {
    const rule = this.rules.find((r) => r.id === s.id)!;
    return {
      id: s.id, title: rule.description?.title ?? s.title, explanation: rule.description?.explanation ?? '',
      follows: rule.description?.follows ?? '', inputs: s.inputs, outputs: s.outputs, available: true,
      status: s.status, why: s.why, ms: s.ms, runs: s.runs, summary: summarizeRecord(s.record),
      record: s.record === undefined ? undefined : previewRecord(s.record), diagnostics: s.diagnostics,
    };
  }

  /** Runs the next rule with work to do; null when everything that can run is up to date. */
  async step(onProgress?: (p: Progress) => void): Promise<StepOutcome | null> {
    const pending = this.pipeline.list().filter((s) => s.status === 'pending');
    const total = this.pipeline.list().length;
    if (pending[0]) onProgress?.({ done: this.rules.findIndex((r) => r.id === pending[0].id), total, message: `Running ${pending[0].id}` });
    const report = await this.pipeline.step();
    if (!report) return null;
    const rule = this.rules.find((r) => r.id === report.rule)!;
    const outputs = report.action === 'failed' ? [] : rule.outputs.map((name) => ({ name, bytes: this.pipeline.artifact(name)!.bytes }));
    return { stage: report.rule, action: report.action, ms: report.ms, outputs };
  }

  /** The raw record of the stage that wrote `artifact` in its latest successful run, if any. */
  recordFor(artifact: string): unknown {
    const state = this.pipeline.list().find((s) => s.status === 'up-to-date' && s.outputs.includes(artifact));
    return state?.record;
  }

  /** The bytes of an artifact the graph holds (an input a record names), if it has it. */
  artifactBytes(name: string): Uint8Array | undefined {
    return this.pipeline.artifact(name)?.bytes;
  }

  get kernelVersion(): string {
    return this.kernel;
  }
}
