// The worker's view of the build graph (src/pipeline): imports opened files the rules read, steps
// the graph, and turns rule states into StageInfo rows with a bounded preview of each record.
// It adds no stage logic: rules, order and artifact names come from src/pipeline/rules.ts.
// A stage the pipeline does not have yet (the link) is listed as unavailable so the timeline reads
// vmlinux.o → vmlinux.unsorted → ... as the kernel builds it.

import { Pipeline, type RuleState } from '../pipeline/graph.ts';
import { declarativeRules, importableArtifacts } from '../pipeline/rules.ts';
import type { Rule } from '../pipeline/rule.ts';
import type { Progress, StageInfo } from './api.ts';
import { previewRecord, summarizeRecord } from './record-preview.ts';

export interface StepOutcome {
  stage: string;
  action: 'ran' | 'cached' | 'failed';
  ms: number;
  outputs: { name: string; bytes: Uint8Array }[];
}

const LINK_PLACEHOLDER = { id: 'link', title: 'Link (ld)', inputs: ['vmlinux.o', 'vmlinux.lds'], outputs: ['vmlinux.unsorted'] };

export class PipelineRunner {
  private pipeline: Pipeline;
  private rules: Rule[];
  private readonly imported = new Map<string, Uint8Array>();

  constructor(private kernel = '6.15') {
    this.rules = declarativeRules({ kernel });
    this.pipeline = new Pipeline(this.rules, { kernel });
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
    const rules = declarativeRules({ kernel });
    this.kernel = kernel;
    this.rules = rules;
    this.pipeline = new Pipeline(rules, { kernel });
    for (const [name, bytes] of this.imported) await this.pipeline.put(name, bytes);
  }

  stages(): StageInfo[] {
    const states = this.pipeline.list();
    const out = states.map((s) => this.info(s));
    if (!this.rules.some((r) => r.outputs.includes('vmlinux.unsorted'))) {
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

  get kernelVersion(): string {
    return this.kernel;
  }
}
