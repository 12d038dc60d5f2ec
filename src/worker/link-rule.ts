// Adapts the mini-linker (src/link) to a rule of the build graph for a sample's ld command line:
// the inputs are the files the command names (objects, archives, the script), the output is its -o.
// A kernel-style link (--emit-relocs with a script) writes vmlinux.unsorted, so the kernel's
// post-link graph (sorttable, relocs, strip, System.map) continues from it as link-vmlinux.sh does.

import { link, linkDescription } from '../link/link.ts';
import { parseLinkArguments } from '../link/options.ts';
import type { Rule } from '../pipeline/rule.ts';

export interface LinkPlan {
  /** ld's arguments as the sample records them (without the program name). */
  argv: string[];
}

/** The link's argv with `-o vmlinux` renamed to vmlinux.unsorted for a kernel-style link. */
export function kernelStyleArgv(argv: readonly string[]): { argv: string[]; kernel: boolean } {
  const o = parseLinkArguments([...argv]);
  const kernel = o.emitRelocs && o.script !== undefined;
  if (!kernel) return { argv: [...argv], kernel };
  const out = [...argv];
  const i = out.indexOf('-o');
  if (i >= 0 && i + 1 < out.length) out[i + 1] = 'vmlinux.unsorted';
  else out.push('-o', 'vmlinux.unsorted');
  return { argv: out, kernel };
}

export function linkRule(plan: LinkPlan): Rule {
  const options = parseLinkArguments([...plan.argv]);
  const inputs = [...options.inputs.filter((i) => i.kind === 'file').map((i) => i.name), ...(options.script ? [options.script] : [])];
  return {
    id: 'link',
    title: linkDescription.title,
    inputs,
    outputs: [options.output],
    description: linkDescription,
    run(files) {
      return link(inputs.map((name) => ({ name, bytes: files[name] })), plan.argv);
    },
  };
}
