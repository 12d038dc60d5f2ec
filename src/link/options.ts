// GNU ld's command line (the subset ldplay supports) → LinkOptions, with ld's spellings:
// `-T f`/`--script=f`, `-e sym`, `-z max-page-size=N`, `--build-id=sha1`, `-( … -)`, `-lfoo`.
// It reads no files; unknown options are a StageError naming the option, as ld does.
import { StageError } from '../pipeline/stage.ts';

export type InputItem =
  | { kind: 'file'; name: string; wholeArchive: boolean; group: number }
  | { kind: 'library'; name: string; wholeArchive: boolean; group: number };

export type OrphanHandling = 'place' | 'warn' | 'error' | 'discard';

export interface LinkOptions {
  output: string;
  script?: string;
  /** How many input items came before -T on the command line (ld reads the script's statements there,
   *  which decides when its symbols enter ld's hash table: layout/symbol-hash-order.ts). */
  scriptPosition?: number;
  entry?: string;
  emitRelocs: boolean;
  discardNone: boolean;
  maxPageSize: bigint;
  commonPageSize: bigint;
  noExecStack: boolean;
  warnRwxSegments: boolean;
  buildId: 'none' | 'sha1';
  orphanHandling: OrphanHandling;
  map?: string;
  gcSections: boolean;
  searchDirs: string[];
  inputs: InputItem[];
  /** -z relro (ld's default) / -z norelro: lay the data segment out for a read-only-after-relocation
   *  region (layout/data-segment.ts). */
  relro: boolean;
  /** Relax GOTPCRELX and TLS sequences (ld's default; `--no-relax` turns it off). */
  relax: boolean;
  /** Warnings from the command line itself (ld's "-z X ignored"). */
  warnings: string[];
  /** `--perf` (mold's spelling): the CLI prints each pass's time to stderr. */
  perf?: boolean;
  /** SHA-1 of parts in order, for --build-id; the CLI passes the platform's native one, otherwise
   *  src/hot/sha1.ts (WebAssembly). */
  sha1?: (parts: readonly Uint8Array[]) => Uint8Array;
  /** How many relocations the record lists with their bytes before and after (the playground's
   *  relocation view); default RECORDED_RELOCATION_LIMIT. The CLI, which shows no record, asks
   *  for none. */
  recordSteps?: number;
}

export function defaultOptions(): LinkOptions {
  return {
    output: 'a.out', emitRelocs: false, discardNone: false, maxPageSize: 0x1000n, commonPageSize: 0x1000n,
    noExecStack: false, warnRwxSegments: true, buildId: 'none', orphanHandling: 'place', gcSections: false,
    searchDirs: [], inputs: [], relax: true, relro: true, warnings: [],
  };
}

/** Accepted and without effect on a static executable (what gcc's driver passes to ld). */
const FLAGS_IGNORED = new Set(['-static', '-Bstatic', '-nostdlib', '--no-dynamic-linker', '-no-pie', '--no-pie', '--hash-style=gnu', '--hash-style=sysv', '--hash-style=both', '--eh-frame-hdr', '--as-needed', '--no-as-needed']);

/** ld options for outputs ldplay does not make (it links static executables), by what they ask for. */
const UNSUPPORTED_OUTPUTS: Record<string, string> = {
  '-pie': 'position-independent executables are', '--pie': 'position-independent executables are',
  '-static-pie': 'static position-independent executables are', '-shared': 'shared libraries are', '--shared': 'shared libraries are',
  '-Bshareable': 'shared libraries are', '-r': 'relocatable output is', '--relocatable': 'relocatable output is', '-i': 'relocatable output is',
  '-Ur': 'relocatable output is', '-Bdynamic': 'dynamic linking is', '-dy': 'dynamic linking is', '-call_shared': 'dynamic linking is',
  '--dynamic-linker': 'dynamic linking is', '-I': 'dynamic linking is',
};

/** ld's -Tbss=, -Tdata=, -Ttext=, -Ttext-segment=, -Trodata-segment=, -Tldata-segment= options. */
const SECTION_START = /^-T(bss|data|text|text-segment|rodata-segment|ldata-segment)=/;

/** Parses ld's argument list. */
export function parseLinkArguments(argv: readonly string[]): LinkOptions {
  const o = defaultOptions();
  let whole = false;
  let group = 0;
  let groupCounter = 0;
  const value = (i: number, option: string): string => {
    if (i >= argv.length) throw new StageError(`ld: option '${option}' requires an argument`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const key = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const arg = () => inline ?? value(++i, a);
    switch (key) {
      case '-o': case '--output': o.output = arg(); break;
      case '-T': case '--script': o.script = arg(); o.scriptPosition = o.inputs.length; break;
      case '-e': case '--entry': o.entry = arg(); break;
      case '-m': { const m = value(++i, a); if (m !== 'elf_x86_64') throw new StageError(`ld: unrecognised emulation mode: ${m}`); break; }
      case '--emit-relocs': case '-q': o.emitRelocs = true; break;
      case '--discard-none': o.discardNone = true; break;
      case '--no-warn-rwx-segments': o.warnRwxSegments = false; break;
      case '--build-id': o.buildId = parseBuildId(inline ?? 'sha1'); break;
      case '--orphan-handling': o.orphanHandling = parseOrphanHandling(arg()); break;
      case '-Map': case '--Map': o.map = arg(); break;
      case '--gc-sections': o.gcSections = true; break;
      case '--no-gc-sections': o.gcSections = false; break;
      case '--no-relax': o.relax = false; break;
      case '--perf': o.perf = true; break;
      case '--whole-archive': whole = true; break;
      case '--no-whole-archive': whole = false; break;
      case '-(': case '--start-group': group = ++groupCounter; break;
      case '-)': case '--end-group': group = 0; break;
      case '-z': applyZ(o, value(++i, a)); break;
      case '-L': case '--library-path': o.searchDirs.push(arg()); break;
      case '-l': case '--library': o.inputs.push({ kind: 'library', name: arg(), wholeArchive: whole, group }); break;
      default:
        if (a.startsWith('-Map=')) o.map = a.slice(5);
        else if (SECTION_START.test(a) || a.startsWith('--section-start')) {
          // ld's -Ttext=ADDR family places sections by address; ldplay takes addresses from a script.
          throw new StageError(`ld: ${a.split('=')[0]}: section start addresses on the command line are not supported by ldplay; set them in a linker script (SECTIONS { .text ADDR : { *(.text) } … })`);
        } else if (a.startsWith('-T') && a.length > 2) { o.script = a.slice(2); o.scriptPosition = o.inputs.length; }
        else if (a.startsWith('-L') && a.length > 2) o.searchDirs.push(a.slice(2));
        else if (a.startsWith('-l') && a.length > 2) o.inputs.push({ kind: 'library', name: a.slice(2), wholeArchive: whole, group });
        else if (a.startsWith('-e') && a.length > 2) o.entry = a.slice(2);
        else if (a.startsWith('-o') && a.length > 2) o.output = a.slice(2);
        else if (a.startsWith('-z') && a.length > 2) applyZ(o, a.slice(2));
        else if (FLAGS_IGNORED.has(a)) break;
        else if (UNSUPPORTED_OUTPUTS[a.split('=')[0]]) {
          throw new StageError(`ld: ${a.split('=')[0]}: ${UNSUPPORTED_OUTPUTS[a.split('=')[0]]} not supported by ldplay, which links static executables`);
        }
        else if (a.startsWith('-') && a !== '-') throw new StageError(`ld: unrecognized option '${a}'\nld: use the --help option for usage information`);
        else o.inputs.push({ kind: 'file', name: a, wholeArchive: whole, group });
    }
  }
  return o;
}

/** The file names `-l<name>` may refer to, in search order (the CLI reads them; readInputs picks
 *  the first one present). Only static archives: ldplay does not link shared libraries. */
export function libraryCandidates(name: string, searchDirs: readonly string[]): string[] {
  if (name.startsWith(':')) return ['', ...searchDirs].map((d) => (d ? `${d.replace(/\/$/, '')}/` : '') + name.slice(1));
  return ['', ...searchDirs].map((d) => (d ? `${d.replace(/\/$/, '')}/` : '') + `lib${name}.a`);
}

function applyZ(o: LinkOptions, z: string): void {
  const [k, v] = z.split('=', 2);
  if (k === 'max-page-size') o.maxPageSize = parseNumber(v, z);
  else if (k === 'common-page-size') o.commonPageSize = parseNumber(v, z);
  else if (k === 'noexecstack') o.noExecStack = true;
  else if (k === 'relro' || k === 'norelro') o.relro = k === 'relro';
  else if (k === 'execstack' || k === 'now' || k === 'lazy' || k === 'noseparate-code' || k === 'separate-code') return;
  else o.warnings.push(`ld: warning: -z ${z} ignored`);
}

function parseNumber(text: string | undefined, where: string): bigint {
  try {
    if (text === undefined || text === '') throw new Error();
    return BigInt(text);
  } catch {
    throw new StageError(`ld: invalid number in -z ${where}`);
  }
}

function parseBuildId(style: string): 'none' | 'sha1' {
  if (style === 'none' || style === 'sha1') return style;
  throw new StageError(`ld: invalid build-id style '${style}' (ldplay supports sha1 and none)`);
}

function parseOrphanHandling(v: string): OrphanHandling {
  if (v === 'place' || v === 'warn' || v === 'error' || v === 'discard') return v;
  throw new StageError(`ld: unknown orphan handling: ${v}`);
}
