// Pass, mergeNoteProperties: the GNU property notes (`.note.gnu.property`, one NT_GNU_PROPERTY_TYPE_0
// note of typed properties; gABI "Program Property" as extended by the Linux Extensions to gABI) merged
// over the whole link as GNU ld 2.40 does: one note, its properties sorted by type, in the first
// input section that has one; the other inputs' property sections are dropped. Each property merges
// by its type's rule (generic ones here, the processor's from the arch file); a property some input
// object lacks counts as absent there, so an AND-kind property (x86 IBT/SHSTK) survives only when
// every object has it. Checked against ld on hand-made notes of every rule, and static glibc links.
import { SHT_NOTE } from '../../elf/index.ts';
import { StageError } from '../../pipeline/stage.ts';
import { propertyMerge, type PropertyMerge } from '../arch/x86_64.ts';
import type { InputSection, LinkContext, ObjectFile } from '../context.ts';

const NT_GNU_PROPERTY_TYPE_0 = 5;
const GNU_PROPERTY_STACK_SIZE = 1;
const GNU_PROPERTY_NO_COPY_ON_PROTECTED = 2;

/** One property as read: its type and data bytes. */
interface Property { type: number; data: Uint8Array }

export function mergeNoteProperties(ctx: LinkContext): void {
  const sections: InputSection[] = [];
  const byObject = new Map<ObjectFile, Map<number, Property>>();
  for (const obj of ctx.objects) {
    for (const s of obj.sections) {
      if (!s || s.discarded || s.name !== '.note.gnu.property' || s.type !== SHT_NOTE || !s.output) continue;
      sections.push(s);
      const props = byObject.get(obj) ?? new Map<number, Property>();
      for (const p of readProperties(s)) props.set(p.type, p);
      byObject.set(obj, props);
    }
  }
  if (sections.length === 0) return;
  const objects = ctx.objects; // every input object counts, notes or not
  const merged = new Map<number, Property>();
  const types = [...new Set([...byObject.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  for (const type of types) {
    const rule = mergeRule(type);
    if (!rule) {
      const first = objects.find((o) => byObject.get(o)?.has(type))!;
      ctx.diagnostics.push({ severity: 'warning', file: first.name, message: `ld: warning: ${first.name}: unsupported GNU_PROPERTY_TYPE (${NT_GNU_PROPERTY_TYPE_0}) type: 0x${type.toString(16)}` });
      merged.set(type, byObject.get(first)!.get(type)!);
      continue;
    }
    const values = objects.map((o) => byObject.get(o)?.get(type));
    const result = rule(values);
    if (result) merged.set(type, { type, data: result });
  }
  const [holder, ...rest] = sections;
  holder.data = merged.size ? writeNote([...merged.values()]) : new Uint8Array(0);
  holder.size = holder.data.length;
  if (!merged.size) drop(holder);
  for (const s of rest) drop(s);
}

/** How a type's values over every input object (undefined where absent) merge; undefined data drops it. */
type MergeRule = (values: (Property | undefined)[]) => Uint8Array | undefined;

function mergeRule(type: number): MergeRule | undefined {
  if (type === GNU_PROPERTY_STACK_SIZE) return (values) => {
    const present = values.filter((v): v is Property => v !== undefined && v.data.length === 8);
    if (!present.length) return undefined;
    let most = 0n;
    for (const v of present) { const n = new DataView(v.data.buffer, v.data.byteOffset, 8).getBigUint64(0, true); if (n > most) most = n; }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, most, true);
    return out;
  };
  if (type === GNU_PROPERTY_NO_COPY_ON_PROTECTED) return (values) => (values.some((v) => v) ? new Uint8Array(0) : undefined);
  const kind = genericMerge(type) ?? propertyMerge(type);
  return kind ? uint32Rule(kind) : undefined;
}

/** The generic processor-independent ranges: GNU_PROPERTY_UINT32_AND_LO…HI and _OR_LO…HI. */
function genericMerge(type: number): PropertyMerge | undefined {
  if (type >= 0xb0000000 && type <= 0xb0007fff) return { op: 'and', dropZero: true };
  if (type >= 0xb0008000 && type <= 0xb000ffff) return { op: 'or', dropZero: true };
  return undefined;
}

function uint32Rule(kind: PropertyMerge): MergeRule {
  return (values) => {
    const present = values.filter((v): v is Property => v !== undefined);
    if (!present.length) return undefined;
    // AND and OR-AND properties are absent from the output when any object lacks them.
    if ((kind.op === 'and' || kind.op === 'orAnd') && present.length < values.length) return undefined;
    let value = kind.op === 'and' ? 0xffffffff : 0;
    for (const v of present) value = kind.op === 'and' ? value & u32(v) : value | u32(v);
    if (value === 0 && kind.dropZero) return undefined;
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, value >>> 0, true);
    return out;
  };
}

const u32 = (p: Property) => (p.data.length >= 4 ? new DataView(p.data.buffer, p.data.byteOffset, 4).getUint32(0, true) : 0);

/** Takes a property section out of the link (ld excludes the other inputs' copies). */
function drop(s: InputSection): void {
  s.discarded = true;
  s.size = 0;
  if (s.output) s.output.members = s.output.members.filter((m) => m !== s);
}

/** The properties of a section's NT_GNU_PROPERTY_TYPE_0 notes ("GNU"), ELF64 layout: each property
 *  is pr_type, pr_datasz, then its data padded to 8. Other notes are passed over. */
function readProperties(s: InputSection): Property[] {
  const d = s.data;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const corrupt = (at: number, what: string) => new StageError(`ld: ${s.file.name}: corrupt GNU_PROPERTY_TYPE (${NT_GNU_PROPERTY_TYPE_0}) ${what} in section \`${s.name}' at offset 0x${at.toString(16)}`,
    [{ severity: 'error', file: s.file.name, message: `corrupt .note.gnu.property at offset 0x${at.toString(16)}` }]);
  const align = s.align >= 8 ? 8 : 4;
  const pad = (n: number, a: number) => (n + a - 1) & -a;
  const out: Property[] = [];
  for (let at = 0; at + 12 <= d.length;) {
    const namesz = view.getUint32(at, true), descsz = view.getUint32(at + 4, true), type = view.getUint32(at + 8, true);
    if (namesz > d.length || descsz > d.length) throw corrupt(at, `size: 0x${descsz.toString(16)}`);
    const desc = at + pad(12 + namesz, align); // the name padded so the descriptor is aligned
    if (desc + descsz > d.length) throw corrupt(at, `size: 0x${descsz.toString(16)}`);
    const name = String.fromCharCode(...d.subarray(at + 12, at + 12 + Math.max(0, namesz - 1)));
    if (type === NT_GNU_PROPERTY_TYPE_0 && name === 'GNU') {
      for (let p = desc; p < desc + descsz;) {
        if (p + 8 > desc + descsz) throw corrupt(p, `size: 0x${descsz.toString(16)}`);
        const prType = view.getUint32(p, true), size = view.getUint32(p + 4, true);
        if (p + 8 + size > desc + descsz) throw corrupt(p, `type: 0x${prType.toString(16)} datasz: 0x${size.toString(16)}`);
        out.push({ type: prType, data: d.slice(p + 8, p + 8 + size) });
        p += 8 + pad(size, 8);
      }
    }
    at = desc + pad(descsz, align);
  }
  return out;
}

/** One NT_GNU_PROPERTY_TYPE_0 note holding `props` (sorted by type), ELF64 padding. */
function writeNote(props: Property[]): Uint8Array {
  const descsz = props.reduce((n, p) => n + 8 + ((p.data.length + 7) & -8), 0);
  const out = new Uint8Array(16 + descsz);
  const view = new DataView(out.buffer);
  view.setUint32(0, 4, true);
  view.setUint32(4, descsz, true);
  view.setUint32(8, NT_GNU_PROPERTY_TYPE_0, true);
  out.set([0x47, 0x4e, 0x55, 0], 12);
  let at = 16;
  for (const p of props) {
    view.setUint32(at, p.type, true);
    view.setUint32(at + 4, p.data.length, true);
    out.set(p.data, at + 8);
    at += 8 + ((p.data.length + 7) & -8);
  }
  return out;
}
