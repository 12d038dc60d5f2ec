// An input file that is neither an object nor an archive is read as an implicit linker script, as
// GNU ld does: Debian's libm.a and libc.so are such scripts (`GROUP ( /usr/lib/…/libm-2.36.a … )`).
// ldplay takes what they are used for — INPUT and GROUP lists of files and -lname libraries
// (AS_NEEDED lists too: every file is static here), with OUTPUT_FORMAT/OUTPUT_ARCH/SEARCH_DIR
// accepted — and refuses the rest by name. A name is looked for as written, then along -L (ld: "the
// current directory, then the archive library search path"); Debian's scripts name absolute paths.
import { isArchive, isElf } from '../elf/index.ts';
import { StageError } from '../pipeline/stage.ts';
import { LinkerScriptError } from './script/errors.ts';
import { parseLinkerScript } from './script/parser.ts';
import { libraryCandidates } from './options.ts';

/** Text that is not an object or archive (no NUL in its first 4 KB): read as a linker script. A
 *  binary file stays an ELF error, which says more about it than a script syntax error would. */
export function isImplicitScript(bytes: Uint8Array): boolean {
  return !isElf(bytes) && !isArchive(bytes) && bytes.length > 0 && !bytes.subarray(0, 4096).includes(0);
}

/** One file an implicit script names: where to look for it, in order; `group` for GROUP lists. */
export interface ScriptInput { name: string; candidates: string[]; group: boolean }

export function implicitScriptInputs(bytes: Uint8Array, fileName: string, searchDirs: readonly string[]): ScriptInput[] {
  const text = new TextDecoder('latin1').decode(bytes);
  let script;
  try {
    script = parseLinkerScript(text, fileName);
  } catch (e) {
    if (!(e instanceof LinkerScriptError)) throw e;
    throw new StageError(`ld: ${fileName}: file format not recognized; treating as linker script\nld: ${e.message}`, e.diagnostics);
  }
  const out: ScriptInput[] = [];
  const dirs = [...searchDirs];
  for (const c of script.commands) {
    if (c.kind === 'input' || c.kind === 'group') {
      for (const f of c.files) {
        const candidates = f.name.startsWith('-l')
          ? libraryCandidates(f.name.slice(2), dirs)
          : f.name.startsWith('/') ? [f.name] : [f.name, ...dirs.map((d) => `${d.replace(/\/$/, '')}/${f.name}`)];
        out.push({ name: f.name, candidates: [...new Set(candidates)], group: c.kind === 'group' });
      }
    } else if (c.kind === 'searchDir') {
      dirs.push(c.path);
    } else if (c.kind !== 'outputFormat' && c.kind !== 'outputArch') {
      throw new StageError(`ld: ${fileName}:${c.loc.line}: ${c.kind} in an implicit linker script (an input file) is not supported by ldplay`, [
        { severity: 'error', message: `${c.kind} in an implicit linker script`, file: fileName, line: c.loc.line, column: c.loc.column },
      ]);
    }
  }
  return out;
}
