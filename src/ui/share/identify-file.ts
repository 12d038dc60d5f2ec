// Says what a file that is not ELF looks like, from its first bytes, so a refused drop explains
// itself ("an x86 bzImage (vmlinuz)", "xz-compressed", ...), and notes ELF files of machines the
// linker does not model. Opens nothing, changes nothing. Magic numbers per each format's spec;
// the bzImage check follows the x86 boot protocol (Documentation/arch/x86/boot.rst: "HdrS" at 0x202).

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

const starts = (b: Uint8Array, magic: number[], at = 0) => magic.every((m, i) => b[at + i] === m);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

const formats: [string, (b: Uint8Array) => boolean][] = [
  ['an ar archive (a static library)', (b) => starts(b, ascii('!<arch>\n')) || starts(b, ascii('!<thin>\n'))],
  ['gzip-compressed', (b) => starts(b, [0x1f, 0x8b])],
  ['xz-compressed', (b) => starts(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
  ['zstd-compressed', (b) => starts(b, [0x28, 0xb5, 0x2f, 0xfd])],
  ['bzip2-compressed', (b) => starts(b, ascii('BZh'))],
  ['lz4-compressed', (b) => starts(b, [0x04, 0x22, 0x4d, 0x18]) || starts(b, [0x02, 0x21, 0x4c, 0x18])],
  ['a zip archive', (b) => starts(b, [0x50, 0x4b, 0x03, 0x04])],
  ['a PNG image', (b) => starts(b, [0x89, 0x50, 0x4e, 0x47])],
  ['a JPEG image', (b) => starts(b, [0xff, 0xd8, 0xff])],
  ['a PDF document', (b) => starts(b, ascii('%PDF'))],
  ['a Mach-O file', (b) => starts(b, [0xcf, 0xfa, 0xed, 0xfe]) || starts(b, [0xce, 0xfa, 0xed, 0xfe])],
  ['a Windows PE/COFF file', (b) => starts(b, ascii('MZ'))],
];

/** A sentence naming the first bytes found (vs ELF's 7f 45 4c 46) and the format they suggest;
 *  '' when they are ELF's magic (the reader's own message says what else is wrong). */
export function describeNonElf(head: Uint8Array): string {
  if (starts(head, [0x7f, 0x45, 0x4c, 0x46])) return '';
  const found = `it starts with ${hex(head.subarray(0, 8)) || 'nothing (empty file)'}, not ELF's 7f 45 4c 46 ("\\x7fELF")`;
  if (head.length >= 0x208 && starts(head, ascii('HdrS'), 0x202)) {
    const version = head[0x206] | (head[0x207] << 8);
    return `${found}: an x86 bzImage (boot protocol ${version >> 8}.${(version & 0xff).toString().padStart(2, '0')}), a compressed kernel such as vmlinuz — open the ELF vmlinux instead (scripts/extract-vmlinux unpacks one)`;
  }
  const kind = formats.find(([, test]) => test(head))?.[0];
  return kind ? `${found}: ${kind}` : found;
}

/** Reads the first bytes of a user's file and describes them. */
export async function describeNonElfFile(file: Blob): Promise<string> {
  return describeNonElf(new Uint8Array(await file.slice(0, 0x400).arrayBuffer()));
}

/** EM_X86_64: the machine the mini-linker and the relocs stage (arch/x86/tools/relocs) model. */
const EM_X86_64 = 62;

/** A notice for an ELF file of another architecture (its views work; link and relocs are x86-64 only), or ''. */
export function foreignMachineNotice(name: string, header: { machine: number; machineName: string; elfClass: number } | undefined): string {
  if (!header || header.machine === EM_X86_64) return '';
  return `${name} is an ELF${header.elfClass} file for ${header.machineName} (e_machine ${header.machine}): its sections, symbols, relocations and bytes can be explored, but the mini-linker and the relocs stage here model x86-64 only.`;
}

/** A notice for an opened `ar` archive: what it holds and how the playground uses it, or ''. */
export function archiveNotice(name: string, archive: { thin: boolean; members: string[]; symbols: number } | undefined): string {
  if (!archive) return '';
  const listed = archive.members.slice(0, 6).join(', ') + (archive.members.length > 6 ? ', …' : '');
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (archive.thin) return `${name} is a thin archive: its ${count(archive.members.length, 'member')} (${listed}) are separate files it only names, so open those objects instead.`;
  return `${name} is a static library (ar archive) of ${count(archive.members.length, 'member')} (${listed}) with ${count(archive.symbols, 'symbol')} in its index: name it in the link command, and the linker takes the members that define what the objects need.`;
}
