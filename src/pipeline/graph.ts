// The declarative build graph: content-hashed artifacts and rules that rerun only when an input's
// hash (or their options) changed. A failing rule never touches its inputs and keeps its previous
// outputs, marked stale. Steppable for the playground. Pure: no I/O, no DOM; the CLI and worker feed it bytes.
// Mirrors the kernel's link-vmlinux.sh order (docs kernel-pipeline.md §4.1), not make's timestamps.

import { artifactState, sha256Hex, type Artifact, type ArtifactState } from './artifact.ts';
import { inputAlternatives, inputName, type PipelineOptions, type Rule } from './rule.ts';
import { StageError, type Diagnostic, type StageResult } from './stage.ts';

/** Runs one rule's stage on its resolved inputs: in this thread by default; the CLI passes one that
 *  sends the rule to a worker pool (src/cli/pipeline-pool.ts) so independent rules run on other cores. */
export type RuleRunner = (rule: Rule, inputs: Record<string, Uint8Array>, options: PipelineOptions) => Promise<StageResult<unknown> & {
  /** Output hashes the runner already computed (a pool worker hashes its outputs beside the others). */
  hashes?: Record<string, string>;
}>;

export interface PipelineHooks {
  run?: RuleRunner;
  /** SHA-256 as lowercase hex; default WebCrypto, which refuses SharedArrayBuffer views (the CLI's
   *  pool shares artifacts that way and passes node:crypto's). */
  hash?: (bytes: Uint8Array) => Promise<string>;
}

const inThisThread: RuleRunner = async (rule, inputs, options) => rule.run(inputs, options);

export type RuleStatus = 'pending' | 'up-to-date' | 'failed' | 'blocked' | 'superseded';

export interface RuleState {
  id: string;
  title: string;
  /** Resolved input names (a fallback shows the name actually read). */
  inputs: string[];
  outputs: string[];
  status: RuleStatus;
  /** Why it is blocked or superseded. */
  why?: string;
  /** Times the stage function ran, and times outputs came from the cache instead. */
  runs: number;
  cacheHits: number;
  /** Input hashes of the latest run (successful or not). */
  inputHashes?: Record<string, string>;
  record?: unknown;
  diagnostics: Diagnostic[];
  /** Wall time of the latest run, ms. */
  ms?: number;
}

export interface StepReport {
  rule: string;
  action: 'ran' | 'cached' | 'failed';
  diagnostics: Diagnostic[];
  ms: number;
}

export interface PipelineState {
  options: PipelineOptions;
  artifacts: ArtifactState[];
  rules: RuleState[];
}

interface CacheEntry {
  rule: string;
  outputs: Artifact[];
  record: unknown;
  diagnostics: Diagnostic[];
}

interface Resolution {
  inputs: { declared: string; artifact: Artifact }[];
  key: string;
}

const CACHE_PER_RULE = 3;

export class Pipeline {
  private readonly artifacts = new Map<string, Artifact>();
  private readonly states = new Map<string, RuleState & { key?: string; failedKey?: string }>();
  private readonly cache = new Map<string, CacheEntry>();
  private readonly runner: RuleRunner;
  private readonly hash: (bytes: Uint8Array) => Promise<string>;

  constructor(
    readonly rules: readonly Rule[],
    readonly options: PipelineOptions,
    hooks: PipelineHooks = {},
  ) {
    this.runner = hooks.run ?? inThisThread;
    this.hash = hooks.hash ?? sha256Hex;
    const produced = new Set<string>();
    for (const r of rules) {
      if (this.states.has(r.id)) throw new Error(`rule id '${r.id}' is registered twice`);
      for (const o of r.outputs) {
        if (produced.has(o)) throw new Error(`artifact '${o}' has two producing rules`);
        produced.add(o);
      }
      this.states.set(r.id, {
        id: r.id, title: r.title, inputs: r.inputs.map(inputName), outputs: [...r.outputs], status: 'pending',
        runs: 0, cacheHits: 0, diagnostics: [],
      });
    }
  }

  /** Imports (or replaces) a user-supplied artifact. Returns false when the bytes are unchanged. */
  async put(name: string, bytes: Uint8Array): Promise<boolean> {
    const hash = await this.hash(bytes);
    const old = this.artifacts.get(name);
    if (old && old.producedBy === 'import' && old.hash === hash) return false;
    this.artifacts.set(name, { name, bytes, hash, producedBy: 'import', stale: false });
    return true;
  }

  /** Forgets an imported artifact (a rule may then produce it again). */
  remove(name: string): void {
    if (this.artifacts.get(name)?.producedBy === 'import') this.artifacts.delete(name);
  }

  artifact(name: string): Artifact | undefined {
    return this.artifacts.get(name);
  }

  /** Rules in order with their current status. */
  list(): RuleState[] {
    this.refresh();
    return this.rules.map((r) => this.publicState(r.id));
  }

  state(): PipelineState {
    return { options: { ...this.options }, artifacts: [...this.artifacts.values()].map(artifactState), rules: this.list() };
  }

  /** Runs the next rule that has work to do; null when everything that can run is up to date. */
  async step(): Promise<StepReport | null> {
    for (const rule of this.rules) {
      const res = this.resolve(rule);
      if (!res) continue;
      const st = this.states.get(rule.id)!;
      if (this.upToDate(rule, res.key) || st.failedKey === res.key) continue;
      return this.execute(rule, res);
    }
    return null;
  }

  /** Runs every rule that has work to do. `concurrent`: in waves, each wave every rule that is ready
   *  and reads nothing another pending rule will (re)write — e.g. sysmap beside sorttable, then relocs
   *  beside strip — run together through the runner; the outcome equals the one-at-a-time order's. */
  async runAll(options: { concurrent?: boolean } = {}): Promise<StepReport[]> {
    const reports: StepReport[] = [];
    if (!options.concurrent) {
      for (let r = await this.step(); r; r = await this.step()) reports.push(r);
    } else {
      for (let wave = this.readyWave(); wave.length; wave = this.readyWave()) {
        reports.push(...(await Promise.all(wave.map(({ rule, res }) => this.execute(rule, res)))));
      }
    }
    this.refresh();
    return reports;
  }

  /** The rules `step` would run, minus those that read (any alternative of) an output of another
   *  rule in the list; never empty while work remains (the first pending rule is always ready). */
  private readyWave(): { rule: Rule; res: Resolution }[] {
    const pending: { rule: Rule; res: Resolution }[] = [];
    for (const rule of this.rules) {
      const res = this.resolve(rule);
      if (!res) continue;
      const st = this.states.get(rule.id)!;
      if (this.upToDate(rule, res.key) || st.failedKey === res.key) continue;
      pending.push({ rule, res });
    }
    const written = (except: Rule) => new Set(pending.filter((p) => p.rule !== except).flatMap((p) => p.rule.outputs));
    return pending.filter(({ rule }, i) => i === 0 || !rule.inputs.some((input) => inputAlternatives(input).some((n) => written(rule).has(n))));
  }

  private publicState(id: string): RuleState {
    const { key: _key, failedKey: _failed, ...rest } = this.states.get(id)!;
    return { ...rest, inputs: [...rest.inputs], outputs: [...rest.outputs], diagnostics: [...rest.diagnostics] };
  }

  /** Recomputes every rule's status from the artifacts (no stage runs). */
  private refresh(): void {
    for (const rule of this.rules) {
      const st = this.states.get(rule.id)!;
      const res = this.resolve(rule);
      if (!res) continue;
      st.why = undefined;
      if (this.upToDate(rule, res.key)) st.status = 'up-to-date';
      else if (st.failedKey === res.key) st.status = 'failed';
      else st.status = 'pending';
    }
  }

  /** Resolves inputs and the cache key; null (with the state updated) when the rule cannot run. */
  private resolve(rule: Rule): Resolution | null {
    const st = this.states.get(rule.id)!;
    if (rule.outputs.every((o) => this.artifacts.get(o)?.producedBy === 'import')) {
      st.status = 'superseded';
      st.why = `${rule.outputs.join(', ')} imported`;
      return null;
    }
    const inputs: Resolution['inputs'] = [];
    for (const input of rule.inputs) {
      const found = inputAlternatives(input).map((n) => this.artifacts.get(n)).find((a) => a !== undefined);
      if (!found) {
        st.status = 'blocked';
        st.why = `missing input ${inputAlternatives(input).join(' or ')}`;
        return null;
      }
      if (found.stale) {
        st.status = 'blocked';
        st.why = `input ${found.name} is stale (${found.producedBy} failed)`;
        for (const o of rule.outputs) this.markStale(o, rule.id);
        return null;
      }
      inputs.push({ declared: inputName(input), artifact: found });
    }
    st.inputs = inputs.map((i) => i.artifact.name);
    const key = [rule.id, ...inputs.map((i) => `${i.artifact.name}=${i.artifact.hash}`), JSON.stringify(rule.optionsKey?.(this.options) ?? null)].join('|');
    return { inputs, key };
  }

  private upToDate(rule: Rule, key: string): boolean {
    const st = this.states.get(rule.id)!;
    return st.key === key && rule.outputs.every((o) => {
      const a = this.artifacts.get(o);
      return a !== undefined && a.producedBy === rule.id && !a.stale;
    });
  }

  private markStale(name: string, producer: string): void {
    const a = this.artifacts.get(name);
    if (a && a.producedBy === producer) a.stale = true;
  }

  private async execute(rule: Rule, res: Resolution): Promise<StepReport> {
    const st = this.states.get(rule.id)!;
    st.inputHashes = Object.fromEntries(res.inputs.map((i) => [i.artifact.name, i.artifact.hash]));
    const hit = this.cache.get(res.key);
    if (hit) {
      for (const a of hit.outputs) this.artifacts.set(a.name, { ...a, stale: false });
      Object.assign(st, { key: res.key, failedKey: undefined, status: 'up-to-date', record: hit.record, diagnostics: hit.diagnostics });
      st.cacheHits++;
      return { rule: rule.id, action: 'cached', diagnostics: hit.diagnostics, ms: 0 };
    }
    const t0 = performance.now();
    try {
      const inputs = Object.fromEntries(res.inputs.map((i) => [i.declared, i.artifact.bytes]));
      const result = await this.runner(rule, inputs, this.options);
      const outputs: Artifact[] = [];
      for (const name of rule.outputs) {
        const bytes = result.outputs[name];
        if (!bytes) throw new StageError(`${rule.id}: the stage produced no '${name}'`);
        outputs.push({ name, bytes, hash: result.hashes?.[name] ?? (await this.hash(bytes)), producedBy: rule.id, stale: false });
      }
      for (const a of outputs) this.artifacts.set(a.name, a);
      st.runs++;
      st.ms = performance.now() - t0;
      Object.assign(st, { key: res.key, failedKey: undefined, status: 'up-to-date', record: result.record, diagnostics: result.diagnostics });
      this.remember(res.key, { rule: rule.id, outputs, record: result.record, diagnostics: result.diagnostics });
      return { rule: rule.id, action: 'ran', diagnostics: result.diagnostics, ms: st.ms };
    } catch (e) {
      st.runs++;
      st.ms = performance.now() - t0;
      const diagnostics = diagnosticsOf(e);
      for (const o of rule.outputs) this.markStale(o, rule.id);
      Object.assign(st, { failedKey: res.key, status: 'failed', record: undefined, diagnostics });
      return { rule: rule.id, action: 'failed', diagnostics, ms: st.ms };
    }
  }

  private remember(key: string, entry: CacheEntry): void {
    this.cache.set(key, entry);
    const mine = [...this.cache.entries()].filter(([, e]) => e.rule === entry.rule);
    for (const [k] of mine.slice(0, Math.max(0, mine.length - CACHE_PER_RULE))) this.cache.delete(k);
  }
}

/** A stage failure as diagnostics: StageError carries its own; other errors become one message. */
export function diagnosticsOf(e: unknown): Diagnostic[] {
  if (e instanceof StageError) return e.diagnostics;
  const err = e as { name?: string; message?: string; file?: string; offset?: number };
  return [{ severity: 'error', message: `${err.name ?? 'Error'}: ${err.message ?? String(e)}`, file: err.file, offset: err.offset }];
}
