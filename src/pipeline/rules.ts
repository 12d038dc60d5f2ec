// The registry: each stage (link, sysmap, sorttable, relocs, strip) adapted to a graph rule in a few
// lines, the rule lists of the declarative graph per kernel version (docs kernel-pipeline.md §4.1: System.map from the unsorted
// file, sorttable in place, then relocs and — from 6.15 — strip read vmlinux.unstripped).
// Stage logic lives in src/kernel and src/link; this file only names artifacts and options.

import { latin1 } from '../elf/index.ts';
import { link, linkDescription } from '../link/link.ts';
import { sorttable, sorttableDescription } from '../kernel/sorttable/sorttable.ts';
import { relocs, relocsDescription } from '../kernel/relocs/relocs.ts';
import { sysmap, sysmapDescription } from '../kernel/sysmap.ts';
import { strip, stripDescription, stripRuleSets, type StripRuleSet } from '../kernel/strip.ts';
import { kaslr, kaslrDescription } from '../kernel/kaslr.ts';
import { checkSectionMismatches, formatMismatches, mismatchDescription } from '../kernel/mismatch.ts';
import type { PostlinkStep } from './postlink.ts';
import { StageError } from './stage.ts';
import { kernelAtLeast, kernelVersion, type PipelineOptions, type Rule } from './rule.ts';

/** The final vmlinux link of scripts/link-vmlinux.sh for x86_64 with X86_NEED_RELOCS (fixtures README). */
export const kernelLinkObjects = ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o'] as const;
export const kernelLinkArguments = ['-m', 'elf_x86_64', '-z', 'noexecstack', '--no-warn-rwx-segments', '--emit-relocs',
  '--discard-none', '-z', 'max-page-size=0x200000', '--build-id=sha1', '--orphan-handling=warn', '--script=vmlinux.lds'] as const;

/** The mini-linker on the kernel's objects and vmlinux.lds, writing `output`. */
export function linkRule(output = 'vmlinux.unsorted'): Rule {
  return {
    id: 'link',
    title: linkDescription.title,
    inputs: [...kernelLinkObjects, 'vmlinux.lds'],
    outputs: [output],
    description: linkDescription,
    run(inputs) {
      const files = Object.entries(inputs).map(([name, bytes]) => ({ name, bytes }));
      const r = link(files, [...kernelLinkArguments, '-o', output, ...kernelLinkObjects]);
      return { ...r, outputs: { [output]: r.outputs[output] } };
    },
  };
}

/** The strip rule set a kernel version uses (6.2–6.13 four patterns, 6.14 '.rel*', 6.15 + '!.rel*.dyn', 6.18 noload). */
export function stripRuleSetFor(kernel: string): StripRuleSet {
  if (kernelAtLeast(kernel, 6, 18)) return '6.18';
  if (kernelAtLeast(kernel, 6, 15)) return '6.15';
  if (kernelAtLeast(kernel, 6, 14)) return '6.14';
  return '6.2';
}

/** sorttable on `from`, written as `to` (the kernel sorts in place; the graph names both states). */
export function sorttableRule(from: string, to: string): Rule {
  return {
    id: 'sorttable',
    title: sorttableDescription.title,
    inputs: [from],
    outputs: [to],
    description: sorttableDescription,
    optionsKey: (o) => ({ kernel: o.kernel }),
    run(inputs, o) {
      const r = sorttable(inputs[from], { kernel: o.kernel, fileName: from });
      return { ...r, outputs: { [to]: r.outputs[from] } };
    },
  };
}

/** objcopy's strip of the static relocations: vmlinux.unstripped → vmlinux (6.15+). */
export function stripRule(from = 'vmlinux.unstripped', to = 'vmlinux'): Rule {
  return {
    id: 'strip',
    title: stripDescription.title,
    inputs: [from],
    outputs: [to],
    description: stripDescription,
    optionsKey: (o) => stripRuleSetFor(o.kernel),
    run(inputs, o) {
      const r = strip(inputs[from], { ...stripRuleSets[stripRuleSetFor(o.kernel)], fileName: from });
      return { ...r, outputs: { [to]: r.outputs.vmlinux } };
    },
  };
}

/** The relocs tool's model for a kernel version: 6.1 (three lists, per-CPU rules) until 6.14, then 6.15. */
export const relocsKernelFor = (kernel: string) => (kernelAtLeast(kernel, 6, 15) ? '6.15' : '6.1') as '6.1' | '6.15';

/** arch/x86/tools/relocs: the KASLR patch list from the sorted, still unstripped image. */
export function relocsRule(from: string): Rule {
  return {
    id: 'relocs',
    title: relocsDescription.title,
    inputs: [from],
    outputs: ['vmlinux.relocs'],
    description: relocsDescription,
    optionsKey: (o) => relocsKernelFor(o.kernel),
    run(inputs, o) {
      return relocs(inputs[from], { kernel: relocsKernelFor(o.kernel), fileName: from });
    },
  };
}

/** mksysmap: System.map from the linked file before sorting (sorting moves no symbol), or from
 *  vmlinux.unstripped when only that was supplied. */
export function sysmapRule(from: readonly string[] = ['vmlinux.unsorted', 'vmlinux.unstripped']): Rule {
  return {
    id: 'sysmap',
    title: sysmapDescription.title,
    inputs: [from],
    outputs: ['System.map'],
    description: sysmapDescription,
    optionsKey: (o) => ({ kernel: o.kernel }),
    run(inputs, o) {
      return sysmap(inputs[from[0]], { kernel: o.kernel, fileName: from[0], outputName: 'System.map' });
    },
  };
}

/** The declarative graph of a kernel version: 6.1 (no strip; sorted vmlinux keeps its relocations)
 *  or 6.15+ (vmlinux.unstripped → vmlinux). 6.2–6.14 mutate one file in place: see postlink.ts. */
export function declarativeRules(options: PipelineOptions): Rule[] {
  kernelVersion(options.kernel);
  if (!kernelAtLeast(options.kernel, 6, 2)) {
    return [linkRule(), sysmapRule(['vmlinux.unsorted', 'vmlinux']), sorttableRule('vmlinux.unsorted', 'vmlinux'), relocsRule('vmlinux')];
  }
  if (!kernelAtLeast(options.kernel, 6, 15)) {
    throw new StageError(`kernel ${options.kernel} strips in place (Makefile.postlink, 6.2–6.14): use the postlink mode`);
  }
  return [linkRule(), sysmapRule(), sorttableRule('vmlinux.unsorted', 'vmlinux.unstripped'), relocsRule('vmlinux.unstripped'), stripRule()];
}

/** The displacement the kaslr rule applies when the options name none: 16 MiB (CONFIG_PHYSICAL_ALIGN multiple). */
export const defaultKaslrOffset = '0x1000000';

/** The decompressor's handle_relocations: the image relocs read (sorted, still with its .rela
 *  sections) patched by vmlinux.relocs at `options.kaslrOffset`, written as vmlinux.kaslr. */
export function kaslrRule(from: string): Rule {
  return {
    id: 'kaslr',
    title: kaslrDescription.title,
    inputs: [from, 'vmlinux.relocs'],
    outputs: ['vmlinux.kaslr'],
    description: kaslrDescription,
    optionsKey: (o) => ({ relocs: relocsKernelFor(o.kernel), offset: o.kaslrOffset ?? defaultKaslrOffset }),
    run(inputs, o) {
      const text = o.kaslrOffset ?? defaultKaslrOffset;
      if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new StageError(`kaslr: offset '${text}' is not a number (e.g. 0x1000000)`);
      const r = kaslr(inputs[from], inputs['vmlinux.relocs'], { delta: BigInt(text), kernel: relocsKernelFor(o.kernel), fileName: from });
      return { ...r, outputs: { 'vmlinux.kaslr': r.outputs[`${from}.kaslr`] } };
    },
  };
}

/** modpost's section-mismatch check on vmlinux.o; its warnings (stderr in the kernel build) become modpost.log. */
export function mismatchRule(): Rule {
  return {
    id: 'mismatch',
    title: mismatchDescription.title,
    inputs: ['vmlinux.o'],
    outputs: ['modpost.log'],
    description: mismatchDescription,
    run(inputs) {
      const r = checkSectionMismatches(inputs['vmlinux.o'], { fileName: 'vmlinux.o' });
      return { ...r, outputs: { 'modpost.log': new TextEncoder().encode(formatMismatches(r.record)) } };
    },
  };
}

/** The checks beside the build (modpost before the link, KASLR at boot) for the declarative graph. */
export function checkRules(options: PipelineOptions): Rule[] {
  return [mismatchRule(), kaslrRule(kernelAtLeast(options.kernel, 6, 15) ? 'vmlinux.unstripped' : 'vmlinux')];
}

/** Artifacts a user may supply directly instead of building them (the "import prebuilt" entry). */
export const importableArtifacts = ['vmlinux.o', 'vmlinux.export.o', 'version-timestamp.o', 'kallsyms.o', 'vmlinux.lds',
  'vmlinux.unsorted', 'vmlinux.unstripped', 'vmlinux'] as const;

/** Postlink recipe (6.2–6.14): link-vmlinux.sh's final link writes `vmlinux` — with the mini-linker
 *  when the kernel's objects are there, else from a supplied vmlinux.unsorted (what `ld` wrote). */
export function postlinkLinkStep(): PostlinkStep {
  return {
    id: 'link',
    command: `ld ${kernelLinkArguments.join(' ')} -o vmlinux ${kernelLinkObjects.join(' ')}`,
    run(files) {
      const objects = [...kernelLinkObjects, 'vmlinux.lds'];
      if (objects.every((n) => files.has(n))) {
        const r = link(objects.map((name) => ({ name, bytes: files.get(name)! })), [...kernelLinkArguments, '-o', 'vmlinux', ...kernelLinkObjects]);
        return { ...r, outputs: { vmlinux: r.outputs.vmlinux } };
      }
      const linked = files.get('vmlinux.unsorted');
      if (!linked) throw new StageError(`link: neither the kernel objects (${objects.join(', ')}) nor a prebuilt vmlinux.unsorted`);
      return { outputs: { vmlinux: linked }, record: { imported: 'vmlinux.unsorted' }, diagnostics: [] };
    },
  };
}

export function postlinkSysmapStep(kernel: string): PostlinkStep {
  return {
    id: 'sysmap',
    command: 'scripts/mksysmap vmlinux System.map',
    run(files) {
      return sysmap(files.get('vmlinux') ?? new Uint8Array(0), { kernel, fileName: 'vmlinux', outputName: 'System.map' });
    },
  };
}

export function postlinkSorttableStep(kernel: string): PostlinkStep {
  return {
    id: 'sorttable',
    command: 'scripts/sorttable vmlinux',
    run(files) {
      return sorttable(files.get('vmlinux') ?? new Uint8Array(0), { kernel, fileName: 'vmlinux' });
    },
  };
}

/** Makefile.postlink: `relocs vmlinux > …/vmlinux.relocs`; the shell truncates the file first. */
export function postlinkRelocsStep(kernel: string): PostlinkStep {
  return {
    id: 'relocs',
    command: 'arch/x86/tools/relocs vmlinux > arch/x86/boot/compressed/vmlinux.relocs',
    redirectsTo: 'vmlinux.relocs',
    run(files) {
      return relocs(files.get('vmlinux') ?? new Uint8Array(0), { kernel: relocsKernelFor(kernel), fileName: 'vmlinux' });
    },
  };
}

/** Makefile.postlink: `relocs --abs-relocs vmlinux`, whose warnings go to the build log only. */
export function postlinkAbsRelocsStep(kernel: string): PostlinkStep {
  return {
    id: 'abs-relocs',
    command: 'arch/x86/tools/relocs --abs-relocs vmlinux',
    run(files) {
      const r = relocs(files.get('vmlinux') ?? new Uint8Array(0), { kernel: relocsKernelFor(kernel), absRelocs: true, fileName: 'vmlinux' });
      const log = Object.values(r.outputs)[0] ?? new Uint8Array(0);
      const diagnostics = log.length ? [{ severity: 'warning' as const, message: latin1(log, 0, log.length) }] : [];
      return { outputs: {}, record: r.record, diagnostics: [...r.diagnostics, ...diagnostics] };
    },
  };
}

export function postlinkStripStep(kernel: string): PostlinkStep {
  const set = stripRuleSets[stripRuleSetFor(kernel)];
  return {
    id: 'strip',
    command: `objcopy ${set.removeSections.map((p) => `--remove-section='${p}'`).join(' ')} vmlinux`,
    run(files) {
      return strip(files.get('vmlinux') ?? new Uint8Array(0), { ...set, fileName: 'vmlinux' });
    },
  };
}

/** The 6.2–6.14 recipe with the stages available: link-vmlinux.sh, then arch/x86/Makefile.postlink. */
export function postlinkSteps(kernel: string): PostlinkStep[] {
  return [
    postlinkLinkStep(), postlinkSysmapStep(kernel), postlinkSorttableStep(kernel),
    postlinkRelocsStep(kernel), postlinkAbsRelocsStep(kernel), postlinkStripStep(kernel),
  ];
}
