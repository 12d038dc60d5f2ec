// Which kept output section a symbol defined in a removed (empty) output section moves to: the
// previous or next kept section, choosing the one likely in the same segment by comparing
// allocation, TLS, loadability, read-only and code flags in that order (ld's nearby-section rule).
import { SHF_ALLOC, SHF_EXECINSTR, SHF_TLS, SHF_WRITE, SHT_NOBITS } from '../../elf/index.ts';
import type { LinkContext, OutputSection } from '../context.ts';

const has = (o: OutputSection, f: number) => (o.flags & BigInt(f)) !== 0n;
const loads = (o: OutputSection) => has(o, SHF_ALLOC) && o.type !== SHT_NOBITS;

export function nearbySection(ctx: LinkContext, removed: OutputSection): OutputSection | undefined {
  const list = ctx.outputSections;
  const at = list.indexOf(removed);
  let prev: OutputSection | undefined;
  for (let i = at - 1; i >= 0; i--) if (!list[i].removed) { prev = list[i]; break; }
  let next: OutputSection | undefined;
  for (let i = at + 1; i < list.length; i++) if (!list[i].removed) { next = list[i]; break; }
  if (!prev) return next;
  if (!next) return prev;
  const differ = (f: number) => has(prev!, f) !== has(next!, f);
  if (differ(SHF_ALLOC) || differ(SHF_TLS) || loads(prev) !== loads(next)) {
    const nextUnlike = has(next, SHF_ALLOC) !== has(removed, SHF_ALLOC) || has(next, SHF_TLS) !== has(removed, SHF_TLS);
    return nextUnlike || (loads(prev) && !loads(next)) ? prev : next;
  }
  if (differ(SHF_WRITE)) return has(next, SHF_WRITE) !== has(removed, SHF_WRITE) ? prev : next;
  if (differ(SHF_EXECINSTR)) return has(next, SHF_EXECINSTR) !== has(removed, SHF_EXECINSTR) ? prev : next;
  return next;
}
