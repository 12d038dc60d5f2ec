// Main-thread wrapper around the ELF worker: typed calls, buffer transfer, progress callbacks,
// cancellation (terminate and restart) and crash recovery. It keeps how to reload each opened
// input (a File, a sample URL) so a restarted worker gets the same inputs back; derived
// artifacts are rebuilt by rerunning stages. It does no ELF work itself.

import { proxy, releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import type {
  ArtifactDiff, ArtifactSummary, Disassembly, DisassemblyQuery, OpenEvent, Outcome, PostlinkOptions, PostlinkView, Progress, RelocationPage, RelocationQuery, StageInfo, StepRun, SymbolPage,
  SymbolQuery, TextPage, WorkerApi, KaslrEntryPage, KaslrEntryQuery, LinkMapPage, LinkMapQuery, FoundRelocation, RelocationSearch, TextFindQuery, TextMatch, KernelTablePage, KernelTableQuery, SymbolReferenceQuery, SymbolReferences,
} from './api.ts';

/** A started worker: its message endpoint, how to stop it, and how it reports dying. */
export interface WorkerHandle {
  endpoint: Endpoint;
  terminate(): void;
  onFailure(listener: (reason: string) => void): void;
}
export type WorkerFactory = () => WorkerHandle;

/** An input the page can load again after a restart. */
export interface Source {
  name: string;
  load(): Promise<ArrayBuffer>;
  /** A user's file: the worker reads it itself, headers first (then `load` is not called). */
  file?: Blob;
  allowBinary?: boolean;
}

/** Raised to callers whose call was in flight when the worker was cancelled or crashed. */
export class WorkerStoppedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WorkerStoppedError';
  }
}

interface Generation {
  handle: WorkerHandle;
  remote: Remote<WorkerApi>;
  /** Rejecters of the calls in flight, all called when the worker stops. (Not a Promise.race with
   *  a long-lived "stopped" promise: each race would leave a reaction on it holding the call's
   *  result until the worker stops — ~8–19 KB a call, gigabytes over a long session.) */
  pending: Set<(error: Error) => void>;
  stoppedReason?: string;
  stop(reason: string): void;
}

export class ElfClient {
  private generation: Generation;
  private readonly sources = new Map<string, Source>();
  /** The build settings last sent, re-sent to a restarted worker. */
  private kernel: string | undefined;
  private build: { ld?: string[] } | undefined;
  private kaslrOffset: string | undefined;
  /** Called after the worker restarts, with why and which inputs were reopened. */
  onRestart: (reason: string, reopened: string[]) => void = () => {};

  constructor(private readonly factory: WorkerFactory) {
    this.generation = this.start();
  }

  private start(): Generation {
    const handle = this.factory();
    const generation: Generation = {
      handle, remote: wrap<WorkerApi>(handle.endpoint), pending: new Set(),
      stop(reason) {
        if (generation.stoppedReason !== undefined) return;
        generation.stoppedReason = reason;
        for (const reject of generation.pending) reject(new WorkerStoppedError(reason));
        generation.pending.clear();
      },
    };
    handle.onFailure((reason) => {
      if (this.generation !== generation) return;
      void this.restart(`the worker crashed (${reason})`);
    });
    return generation;
  }

  /** Runs one call against the current worker; rejects with WorkerStoppedError if it stops first. */
  private call<T>(f: (api: Remote<WorkerApi>) => unknown): Promise<T> {
    const g = this.generation;
    return new Promise<T>((resolve, reject) => {
      if (g.stoppedReason !== undefined) { reject(new WorkerStoppedError(g.stoppedReason)); return; }
      g.pending.add(reject);
      (f(g.remote) as Promise<T>).then(
        (value) => { g.pending.delete(reject); resolve(value); },
        (error) => { g.pending.delete(reject); reject(error); },
      );
    });
  }

  private async restart(reason: string): Promise<void> {
    const old = this.generation;
    old.stop(reason);
    old.remote[releaseProxy]();
    old.handle.terminate();
    this.generation = this.start();
    const reopened: string[] = [];
    for (const source of this.sources.values()) {
      const r = await this.sendSource(source);
      if (r.ok) reopened.push(source.name);
    }
    if (this.kernel) await this.call((api) => api.setKernel(this.kernel!));
    if (this.build) await this.call((api) => api.setBuild(this.build!));
    if (this.kaslrOffset) await this.call((api) => api.setKaslrOffset(this.kaslrOffset!));
    this.onRestart(reason, reopened);
  }

  private async sendSource(source: Source, onEvent?: (e: OpenEvent) => void): Promise<Outcome<ArtifactSummary>> {
    if (source.file) {
      const file = source.file;
      return this.call<Outcome<ArtifactSummary>>((api) => api.openFile(source.name, file, source.allowBinary ?? false, onEvent ? proxy(onEvent) : undefined));
    }
    const buffer = await source.load();
    return this.call<Outcome<ArtifactSummary>>((api) => api.open(source.name, transfer(buffer, [buffer]), source.allowBinary ?? false));
  }

  /** Loads and transfers an input to the worker (the buffer is moved, not copied); a `file` source
   *  is read by the worker, with `onEvent` told of its headers and progress. */
  async open(source: Source, onEvent?: (e: OpenEvent) => void): Promise<Outcome<ArtifactSummary>> {
    const r = await this.sendSource(source, onEvent);
    if (r.ok) this.sources.set(source.name, source);
    return r;
  }

  /** Reopens an input under another name (e.g. a user's vmlinux-6.1 as vmlinux.unstripped). */
  async rename(from: string, to: string): Promise<Outcome<ArtifactSummary>> {
    const source = this.sources.get(from);
    if (!source) throw new Error(`${from} was not opened from a file`);
    const r = await this.open({ ...source, name: to });
    if (r.ok) await this.close(from);
    return r;
  }

  async close(name: string): Promise<void> {
    this.sources.delete(name);
    await this.call((api) => api.close(name));
  }

  /** Stops the worker's file reads in flight (their opens fail with an AbortError). */
  cancelReads(): Promise<void> { return this.call<void>((api) => api.cancelReads()); }

  /** Stops whatever the worker is doing by replacing it; in-flight calls reject with WorkerStoppedError. */
  cancel(): Promise<void> {
    return this.restart('cancelled');
  }

  list(): Promise<ArtifactSummary[]> { return this.call<ArtifactSummary[]>((api) => api.list()); }
  querySymbols(q: SymbolQuery): Promise<Outcome<SymbolPage>> { return this.call<Outcome<SymbolPage>>((api) => api.querySymbols(q)); }
  queryRelocations(q: RelocationQuery): Promise<Outcome<RelocationPage>> { return this.call<Outcome<RelocationPage>>((api) => api.queryRelocations(q)); }
  queryKernelTable(q: KernelTableQuery): Promise<Outcome<KernelTablePage>> { return this.call<Outcome<KernelTablePage>>((api) => api.queryKernelTable(q)); }
  findText(q: TextFindQuery): Promise<Outcome<TextMatch>> { return this.call<Outcome<TextMatch>>((api) => api.findText(q)); }
  findRelocation(q: RelocationSearch): Promise<Outcome<FoundRelocation>> { return this.call<Outcome<FoundRelocation>>((api) => api.findRelocation(q)); }
  queryLinkMap(q: LinkMapQuery): Promise<Outcome<LinkMapPage>> { return this.call<Outcome<LinkMapPage>>((api) => api.queryLinkMap(q)); }
  queryKaslrEntries(q: KaslrEntryQuery): Promise<Outcome<KaslrEntryPage>> { return this.call<Outcome<KaslrEntryPage>>((api) => api.queryKaslrEntries(q)); }
  symbolReferences(q: SymbolReferenceQuery): Promise<Outcome<SymbolReferences>> { return this.call<Outcome<SymbolReferences>>((api) => api.symbolReferences(q)); }
  findKaslrEntries(q: { file: string; image: string; address: bigint }): ReturnType<WorkerApi['findKaslrEntries']> { return this.call((api) => api.findKaslrEntries(q)); }
  readBytes(file: string, offset: number, length: number): Promise<Outcome<Uint8Array>> {
    return this.call<Outcome<Uint8Array>>((api) => api.readBytes(file, offset, length));
  }
  readLines(file: string, start: number, count: number): Promise<Outcome<TextPage>> {
    return this.call<Outcome<TextPage>>((api) => api.readLines(file, start, count));
  }
  stages(): Promise<StageInfo[]> { return this.call<StageInfo[]>((api) => api.stages()); }
  setKernel(kernel: string): Promise<Outcome<StageInfo[]>> {
    this.kernel = kernel;
    return this.call<Outcome<StageInfo[]>>((api) => api.setKernel(kernel));
  }
  setBuild(plan: { ld?: string[] }): Promise<Outcome<StageInfo[]>> {
    this.build = plan;
    return this.call<Outcome<StageInfo[]>>((api) => api.setBuild(plan));
  }
  step(onProgress?: (p: Progress) => void): Promise<Outcome<StepRun | null>> {
    return this.call<Outcome<StepRun | null>>((api) => api.step(onProgress ? proxy(onProgress) : undefined));
  }

  disassemble(q: DisassemblyQuery): Promise<Outcome<Disassembly>> { return this.call<Outcome<Disassembly>>((api) => api.disassemble(q)); }
  diff(a: string, b: string): Promise<Outcome<ArtifactDiff>> { return this.call<Outcome<ArtifactDiff>>((api) => api.diff(a, b)); }
  async setKaslrOffset(offset: string): Promise<Outcome<StageInfo[]>> {
    const r = await this.call<Outcome<StageInfo[]>>((api) => api.setKaslrOffset(offset));
    if (r.ok) this.kaslrOffset = offset;
    return r;
  }
  postlink(options: PostlinkOptions): Promise<Outcome<PostlinkView>> { return this.call<Outcome<PostlinkView>>((api) => api.postlink(options)); }

  dispose(): void {
    this.generation.stop('disposed');
    this.generation.handle.terminate();
  }
}
