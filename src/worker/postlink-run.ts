// The worker's replay of the 6.2–6.14 postlink way (src/pipeline/postlink.ts) beside the graph: one
// build directory per session, fed the opened kernel objects (or a prebuilt vmlinux.unsorted), run
// with the recipe of a chosen kernel, optionally with relocs under 6.15's rules or an injected failure
// at one step. The build persists across runs, so a stale or lost vmlinux.relocs shows as make leaves it.

import type { ArtifactState } from '../pipeline/artifact.ts';
import { PostlinkBuild, type PostlinkRecord, type PostlinkStep } from '../pipeline/postlink.ts';
import { kernelLinkObjects, postlinkRelocsStep, postlinkSteps } from '../pipeline/rules.ts';
import { StageError } from '../pipeline/stage.ts';

export interface PostlinkOptions {
  /** A 6.2–6.14 kernel (default 6.14). */
  kernel?: string;
  /** Run the relocs step with 6.15's rules (no per-CPU handling: fails on a 6.1-style image). */
  relocs615?: boolean;
  /** A step id whose command fails on purpose ('sorttable', 'relocs', 'strip', ...). */
  failStep?: string;
}

export interface PostlinkView {
  record: PostlinkRecord;
  /** Files in the build directory after the run (the sources, vmlinux if it survived, System.map, vmlinux.relocs). */
  files: ArtifactState[];
  steps: { id: string; command: string }[];
}

/** Files link-vmlinux.sh reads: the kernel's objects and script, or what ld already wrote. */
export const postlinkSources = [...kernelLinkObjects, 'vmlinux.lds', 'vmlinux.unsorted'] as const;
const OPTIONS_FILE = '.postlink-options';

/** The recipe of `kernel` with the chosen variations; each step reads the options at run time. */
function stepsFor(kernel: string, current: () => PostlinkOptions): PostlinkStep[] {
  const strict = postlinkRelocsStep('6.15');
  return postlinkSteps(kernel).map((s) => ({
    ...s,
    run(files) {
      const o = current();
      if (o.failStep === s.id) throw new StageError(`${s.id}: injected failure (the playground's "fail at" option)`);
      return s.id === 'relocs' && o.relocs615 ? strict.run(files) : s.run(files);
    },
  }));
}

/** A per-session runner: `run` replays one make invocation with the given options. */
export function createPostlinkRunner() {
  let build: PostlinkBuild | undefined;
  let options: PostlinkOptions = {};
  return {
    async run(sources: Map<string, Uint8Array>, o: PostlinkOptions): Promise<PostlinkView> {
      const kernel = o.kernel ?? '6.14';
      options = o;
      if (!build || build.kernel !== kernel) build = new PostlinkBuild(kernel, stepsFor(kernel, () => options));
      const b = build;
      const usable = postlinkSources.filter((n) => sources.has(n));
      if (usable.length === 0) throw new StageError(`postlink: open the kernel's objects (${kernelLinkObjects.join(', ')}, vmlinux.lds) or a linked vmlinux.unsorted first`);
      for (const n of usable) await b.put(n, sources.get(n)!);
      // The options act like .config: changing them makes make run the recipe again.
      await b.put(OPTIONS_FILE, new TextEncoder().encode(JSON.stringify({ relocs615: !!o.relocs615, failStep: o.failStep ?? '' })));
      const record = await b.runAll();
      return {
        record,
        files: b.listFiles().filter((f) => f.name !== OPTIONS_FILE),
        steps: b.steps.map((s) => ({ id: s.id, command: s.command })),
      };
    },
  };
}
