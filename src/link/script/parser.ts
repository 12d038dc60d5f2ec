// parseLinkerScript: GNU ld script text → LinkerScript AST (ast.ts), following the command grammar
// of ld 2.40's manual and its lexer states. It resolves INCLUDE through a caller-supplied reader and
// does not evaluate or lay out anything. Errors are LinkerScriptError with line and column.
import type {
  Assignment, AssignmentOperator, AssertStatement, InputFile, LinkerScript, MemoryRegion,
  OutputSectionCommand, OutputSectionDescription, OutputSectionType, OverlayDescription,
  OverlaySection, ProgramHeaderDescription, ScriptCommand, ScriptFileReader, SectionsCommand,
  SourceLocation, Expression, DataSize,
} from './ast.ts';
import { LinkerScriptError } from './errors.ts';
import type { LexMode } from './lexer.ts';
import { parseExpression, PHDR_TYPES } from './parse-expression.ts';
import { parseInputSection, isInputSectionStart } from './parse-input-section.ts';
import { TokenStream } from './token-stream.ts';

export interface ParseOptions {
  /** Reads files named by INCLUDE; without it INCLUDE is an error (e.g. in the browser). */
  readFile?: ScriptFileReader;
}

const ASSIGNMENT_OPERATORS = new Set(['=', '+=', '-=', '*=', '/=', '<<=', '>>=', '&=', '|=']);
const SECTION_TYPES = new Set(['NOLOAD', 'COPY', 'INFO', 'OVERLAY', 'DSECT', 'READONLY']);
const DATA_SIZES = new Set(['BYTE', 'SHORT', 'LONG', 'QUAD', 'SQUAD']);
const PROVIDES = new Set(['PROVIDE', 'PROVIDE_HIDDEN', 'HIDDEN']);

/** Parses a whole script. */
export function parseLinkerScript(text: string, fileName: string, options: ParseOptions = {}): LinkerScript {
  const parser = new ScriptParser(text, fileName, options, []);
  return { file: fileName, commands: parser.parseUntilEnd(() => parser.parseScriptCommand()) };
}

/** Parses a standalone expression (for tools and tests), e.g. `ALIGN(0x1000) + 4`. */
export function parseLinkerExpression(text: string, fileName = '<expression>'): Expression {
  const s = new TokenStream(text, fileName);
  const expression = parseExpression(s);
  const rest = s.peek('expression');
  if (rest.type !== 'eof') throw s.unexpected(rest, 'end of expression');
  return expression;
}

class ScriptParser {
  private readonly s: TokenStream;

  constructor(
    text: string,
    private readonly fileName: string,
    private readonly options: ParseOptions,
    private readonly includeChain: string[],
  ) {
    this.s = new TokenStream(text, fileName);
  }

  parseUntilEnd<T>(parseOne: () => T | undefined): T[] {
    const out: T[] = [];
    while (!this.s.lexer.atEnd()) {
      const command = parseOne();
      if (command) out.push(command);
    }
    return out;
  }

  // --- top level ------------------------------------------------------------------------------

  parseScriptCommand(): ScriptCommand | undefined {
    const s = this.s;
    const token = s.peek('script');
    const loc = s.loc(token);
    if (token.type === 'op' && token.text === ';') { s.next('script'); return undefined; }
    if (token.type === 'name') {
      switch (token.text) {
        case 'SECTIONS': return this.parseSections();
        case 'PHDRS': return this.parsePhdrs();
        case 'MEMORY': return this.parseMemory();
        case 'INCLUDE': return this.parseInclude<ScriptCommand>('script');
        case 'ASSERT': return this.parseAssert();
        case 'ENTRY': return { kind: 'entry', symbol: this.parenthesizedName(), loc };
        case 'OUTPUT': return { kind: 'output', file: this.parenthesizedName(), loc };
        case 'TARGET': return { kind: 'target', format: this.parenthesizedName(), loc };
        case 'SEARCH_DIR': return { kind: 'searchDir', path: this.parenthesizedName(), loc };
        case 'STARTUP': return { kind: 'startup', file: this.parenthesizedName(), loc };
        case 'OUTPUT_ARCH': return { kind: 'outputArch', arch: this.parenthesizedName(), loc };
        case 'OUTPUT_FORMAT': return { kind: 'outputFormat', formats: this.parenthesizedList(), loc };
        case 'EXTERN': return { kind: 'extern', symbols: this.parenthesizedList(), loc };
        case 'INPUT': case 'GROUP': return { kind: token.text === 'INPUT' ? 'input' : 'group', files: this.parseInputList(), loc };
        case 'NOCROSSREFS': case 'NOCROSSREFS_TO':
          return { kind: 'noCrossRefs', to: token.text === 'NOCROSSREFS_TO', sections: this.parenthesizedList(), loc };
        case 'FORCE_COMMON_ALLOCATION': s.next('script'); return { kind: 'forceCommonAllocation', loc };
        case 'INHIBIT_COMMON_ALLOCATION': s.next('script'); return { kind: 'inhibitCommonAllocation', loc };
        case 'REGION_ALIAS': {
          s.next('script');
          s.expectOp('(', 'script');
          const alias = s.expectName('script');
          s.expectOp(',', 'script');
          const region = s.expectName('script');
          s.expectOp(')', 'script');
          return { kind: 'regionAlias', alias, region, loc };
        }
        case 'INSERT': {
          s.next('script');
          const where = s.next('script');
          if (where.type !== 'name' || (where.text !== 'AFTER' && where.text !== 'BEFORE')) throw s.unexpected(where, 'AFTER or BEFORE');
          return { kind: 'insert', position: where.text, section: s.expectName('script', 'an output section name'), loc };
        }
      }
    }
    return this.parseAssignmentStatement();
  }

  private parenthesizedName(): string {
    this.s.next('script');
    this.s.expectOp('(', 'script');
    const name = this.s.expectName('script');
    this.s.expectOp(')', 'script');
    return name;
  }

  private parenthesizedList(): string[] {
    this.s.next('script');
    this.s.expectOp('(', 'script');
    const names: string[] = [];
    while (!this.s.accept(')', 'script')) {
      names.push(this.s.expectName('script'));
      this.s.accept(',', 'script');
    }
    return names;
  }

  private parseInputList(): InputFile[] {
    const s = this.s;
    s.next('script');
    s.expectOp('(', 'script');
    const files: InputFile[] = [];
    while (!s.accept(')', 'script')) {
      if (s.acceptWord('AS_NEEDED', 'script')) {
        s.expectOp('(', 'script');
        while (!s.accept(')', 'script')) {
          files.push({ name: this.inputFileName(), asNeeded: true });
          s.accept(',', 'script');
        }
      } else files.push({ name: this.inputFileName(), asNeeded: false });
      s.accept(',', 'script');
    }
    return files;
  }

  /** An INPUT/GROUP entry: a name, a quoted name, or `-lname`. */
  private inputFileName(): string {
    const s = this.s;
    if (s.isOp('-', 'script')) {
      const dash = s.next('script');
      const lib = s.next('script');
      if (lib.type !== 'name' || !lib.text.startsWith('l') || lib.start !== dash.end) throw s.unexpected(lib, 'a library name after -');
      return `-${lib.text}`;
    }
    return s.expectName('script', 'a file name');
  }

  /** `INCLUDE file`: parses the named file's commands in the current context. */
  private parseInclude<T>(context: 'script' | 'sections' | 'outputSection'): { kind: 'include'; file: string; commands: T[]; loc: SourceLocation } {
    const s = this.s;
    const loc = s.loc(s.next('script'));
    const file = s.expectName('script', 'a file name');
    const reader = this.options.readFile;
    if (!reader) throw new LinkerScriptError(loc, `cannot open linker script file ${file}`, 'INCLUDE is not available here');
    if (this.includeChain.includes(file) || file === this.fileName) {
      throw new LinkerScriptError(loc, `INCLUDE of ${file} includes itself`);
    }
    const text = reader(file);
    if (text === undefined) throw new LinkerScriptError(loc, `cannot open linker script file ${file}`, 'file not found');
    const inner = new ScriptParser(text, file, this.options, [...this.includeChain, this.fileName]);
    const parseOne: () => unknown = context === 'script' ? () => inner.parseScriptCommand()
      : context === 'sections' ? () => inner.parseSectionsCommand()
      : () => inner.parseOutputSectionCommand();
    return { kind: 'include', file, commands: inner.parseUntilEnd(parseOne) as T[], loc };
  }

  private parseAssert(): AssertStatement {
    const s = this.s;
    const loc = s.loc(s.next('script'));
    s.expectOp('(', 'expression');
    const condition = parseExpression(s);
    s.expectOp(',', 'expression');
    const message = s.expectName('expression', 'a message');
    s.expectOp(')', 'expression');
    s.accept(';', 'script');
    return { kind: 'assert', condition, message, loc };
  }

  /** `sym op expr ;` or `PROVIDE(sym = expr);` etc.; `mode` is the lexer state of the target. */
  private parseAssignmentStatement(mode: LexMode = 'script'): Assignment {
    const s = this.s;
    const first = s.peek(mode);
    const loc = s.loc(first);
    let assignment: Assignment;
    if (first.type === 'name' && PROVIDES.has(first.text)) {
      s.next(mode);
      s.expectOp('(', mode);
      assignment = this.parseAssignment(mode, loc);
      assignment.provide = first.text as Assignment['provide'];
      s.expectOp(')', 'expression');
    } else assignment = this.parseAssignment(mode, loc);
    const end = s.next('expression');
    if (end.type !== 'op' || (end.text !== ';' && end.text !== ',')) throw s.unexpected(end, "';'");
    return assignment;
  }

  private parseAssignment(mode: LexMode, loc: SourceLocation): Assignment {
    const s = this.s;
    const target = s.next(mode);
    if (target.type !== 'name' && target.type !== 'string') throw s.unexpected(target, 'a command or symbol name');
    const op = s.next(mode);
    if (op.type !== 'op' || !ASSIGNMENT_OPERATORS.has(op.text)) throw s.unexpected(op, 'an assignment operator');
    const value = parseExpression(s);
    return { kind: 'assignment', target: target.text, op: op.text as AssignmentOperator, value, loc };
  }

  // --- PHDRS and MEMORY -----------------------------------------------------------------------

  private parsePhdrs(): ScriptCommand {
    const s = this.s;
    const loc = s.loc(s.next('script'));
    s.expectOp('{', 'script');
    const headers: ProgramHeaderDescription[] = [];
    while (!s.accept('}', 'script')) {
      const nameToken = s.peek('script');
      const name = s.expectName('script', 'a program header name');
      const typeToken = s.peek('expression');
      let type: Expression;
      if (typeToken.type === 'name' && typeToken.text in PHDR_TYPES) {
        s.next('expression');
        type = { kind: 'number', value: PHDR_TYPES[typeToken.text], text: typeToken.text, loc: s.loc(typeToken) };
      } else if (typeToken.type === 'name' && typeToken.text.startsWith('PT_')) {
        throw new LinkerScriptError(s.loc(typeToken), `unknown phdr type \`${typeToken.text}' (try integer literal)`);
      } else type = parseExpression(s);
      const header: ProgramHeaderDescription = { name, type, fileHeader: false, programHeaders: false, loc: s.loc(nameToken) };
      for (;;) {
        if (s.accept(';', 'script')) break;
        const word = s.next('script');
        if (word.type === 'name' && word.text === 'FILEHDR') header.fileHeader = true;
        else if (word.type === 'name' && word.text === 'PHDRS') header.programHeaders = true;
        else if (word.type === 'name' && (word.text === 'AT' || word.text === 'FLAGS')) {
          s.expectOp('(', 'expression');
          const value = parseExpression(s);
          s.expectOp(')', 'expression');
          if (word.text === 'AT') header.at = value; else header.flags = value;
        } else throw s.unexpected(word, "FILEHDR, PHDRS, AT, FLAGS or ';'");
      }
      headers.push(header);
    }
    return { kind: 'phdrs', headers, loc };
  }

  private parseMemory(): ScriptCommand {
    const s = this.s;
    const loc = s.loc(s.next('script'));
    s.expectOp('{', 'script');
    const regions: MemoryRegion[] = [];
    while (!s.accept('}', 'script')) {
      const start = s.peek('script');
      const name = s.expectName('script', 'a memory region name');
      let attributes: string | undefined;
      if (s.accept('(', 'script')) {
        attributes = this.s.lexer.rawUntil(')').text;
        s.expectOp(')', 'script');
      }
      s.expectOp(':', 'script');
      const origin = this.memoryField(['ORIGIN', 'org', 'o']);
      s.accept(',', 'expression');
      const length = this.memoryField(['LENGTH', 'len', 'l']);
      s.accept(',', 'expression');
      regions.push({ name, attributes, origin, length, loc: s.loc(start) });
    }
    return { kind: 'memory', regions, loc };
  }

  private memoryField(spellings: string[]): Expression {
    const s = this.s;
    const word = s.next('script');
    if (word.type !== 'name' || !spellings.includes(word.text)) throw s.unexpected(word, spellings[0]);
    s.expectOp('=', 'expression');
    return parseExpression(s);
  }

  // --- SECTIONS -------------------------------------------------------------------------------

  private parseSections(): ScriptCommand {
    const s = this.s;
    const loc = s.loc(s.next('script'));
    s.expectOp('{', 'script');
    const commands: SectionsCommand[] = [];
    while (!s.accept('}', 'script')) {
      const command = this.parseSectionsCommand();
      if (command) commands.push(command);
    }
    return { kind: 'sections', commands, loc };
  }

  parseSectionsCommand(): SectionsCommand | undefined {
    const s = this.s;
    const token = s.peek('script');
    const loc = s.loc(token);
    if (token.type === 'op' && token.text === ';') { s.next('script'); return undefined; }
    if (token.type === 'name') {
      switch (token.text) {
        case 'ENTRY': return { kind: 'entry', symbol: this.parenthesizedName(), loc };
        case 'ASSERT': return this.parseAssert();
        case 'INCLUDE': return this.parseInclude<SectionsCommand>('sections');
        case 'OVERLAY': return this.parseOverlay();
        case 'PROVIDE': case 'PROVIDE_HIDDEN': case 'HIDDEN': return this.parseAssignmentStatement();
      }
    }
    if (token.type !== 'name' && token.type !== 'string') throw s.unexpected(token, 'an output section, assignment or command');
    // A name followed by an assignment operator is an assignment; otherwise an output section.
    const save = s.lexer.offset;
    s.next('script');
    const after = s.peek('script');
    s.lexer.offset = save;
    if (after.type === 'op' && ASSIGNMENT_OPERATORS.has(after.text)) return this.parseAssignmentStatement();
    return this.parseOutputSection();
  }

  private parseOutputSection(): OutputSectionDescription {
    const s = this.s;
    const nameToken = s.next('script');
    const section: OutputSectionDescription = {
      kind: 'outputSection', name: nameToken.text, commands: [], phdrs: [], loc: s.loc(nameToken),
    };
    if (!s.isOp(':', 'expression')) {
      section.type = this.sectionType();
      if (!section.type) {
        section.address = parseExpression(s);
        section.type = this.sectionType();
      }
    }
    s.expectOp(':', 'expression');
    for (;;) {
      const word = s.peek('expression');
      if (word.type !== 'name') break;
      if (word.text === 'AT') section.lma = this.parenthesizedExpression();
      else if (word.text === 'ALIGN') section.align = this.parenthesizedExpression();
      else if (word.text === 'SUBALIGN') section.subalign = this.parenthesizedExpression();
      else if (word.text === 'ALIGN_WITH_INPUT') { s.next('expression'); section.alignWithInput = true; }
      else if (word.text === 'ONLY_IF_RO' || word.text === 'ONLY_IF_RW') { s.next('expression'); section.constraint = word.text; }
      else break;
    }
    s.expectOp('{', 'wild');
    section.commands = this.parseOutputSectionBody();
    this.parseSectionTail(section, true);
    return section;
  }

  /** `(NOLOAD)` etc. when next; undefined (consuming nothing) otherwise. */
  private sectionType(): OutputSectionType | undefined {
    const s = this.s;
    if (!s.isOp('(', 'expression')) return undefined;
    const save = s.lexer.offset;
    s.next('expression');
    const word = s.next('expression');
    if (word.type === 'name' && SECTION_TYPES.has(word.text) && s.accept(')', 'expression')) return word.text as OutputSectionType;
    s.lexer.offset = save;
    return undefined;
  }

  private parenthesizedExpression(): Expression {
    const s = this.s;
    s.next('expression');
    s.expectOp('(', 'expression');
    const value = parseExpression(s);
    s.expectOp(')', 'expression');
    return value;
  }

  /** After `}`: `>region`, `AT>region`, `:phdr`..., `=fill`, optional `,`. */
  private parseSectionTail(section: { region?: string; lmaRegion?: string; phdrs: string[]; fill?: Expression }, regions: boolean): void {
    const s = this.s;
    if (regions && s.accept('>', 'script')) section.region = s.expectName('script', 'a memory region name');
    if (regions && s.isWord('AT', 'script')) {
      const save = s.lexer.offset;
      s.next('script');
      if (s.accept('>', 'script')) section.lmaRegion = s.expectName('script', 'a memory region name');
      else s.lexer.offset = save;
    }
    while (s.accept(':', 'script')) section.phdrs.push(s.expectName('script', 'a program header name'));
    if (s.accept('=', 'script')) section.fill = parseExpression(s);
    s.accept(',', 'script');
  }

  private parseOverlay(): OverlayDescription {
    const s = this.s;
    const loc = s.loc(s.next('script'));
    const overlay: OverlayDescription = { kind: 'overlay', noCrossRefs: false, sections: [], phdrs: [], loc };
    if (!s.isOp(':', 'expression')) overlay.address = parseExpression(s);
    s.expectOp(':', 'expression');
    if (s.acceptWord('NOCROSSREFS', 'expression')) overlay.noCrossRefs = true;
    if (s.isWord('AT', 'expression')) overlay.lma = this.parenthesizedExpression();
    s.expectOp('{', 'script');
    while (!s.accept('}', 'script')) {
      const nameToken = s.peek('script');
      const member: OverlaySection = { name: s.expectName('script', 'an overlay section name'), commands: [], phdrs: [], loc: s.loc(nameToken) };
      s.expectOp('{', 'wild');
      member.commands = this.parseOutputSectionBody();
      this.parseSectionTail(member, false);
      overlay.sections.push(member);
    }
    this.parseSectionTail(overlay, true);
    return overlay;
  }

  // --- output section bodies ------------------------------------------------------------------

  /** Commands up to and including the closing `}`. */
  private parseOutputSectionBody(): OutputSectionCommand[] {
    const commands: OutputSectionCommand[] = [];
    while (!this.s.accept('}', 'wild')) {
      const command = this.parseOutputSectionCommand();
      if (command) commands.push(command);
    }
    return commands;
  }

  parseOutputSectionCommand(): OutputSectionCommand | undefined {
    const s = this.s;
    const token = s.peek('wild');
    const loc = s.loc(token);
    if (token.type === 'eof') throw s.unexpected(token, "'}'");
    if (token.type === 'op' && token.text === ';') { s.next('wild'); return undefined; }
    if (token.type === 'name') {
      const word = token.text;
      if (DATA_SIZES.has(word) || word === 'FILL') {
        s.next('wild');
        s.expectOp('(', 'expression');
        const value = parseExpression(s);
        s.expectOp(')', 'expression');
        s.accept(';', 'wild');
        return word === 'FILL' ? { kind: 'fill', value, loc } : { kind: 'data', size: word as DataSize, value, loc };
      }
      switch (word) {
        case 'CREATE_OBJECT_SYMBOLS': s.next('wild'); return { kind: 'createObjectSymbols', loc };
        case 'CONSTRUCTORS': s.next('wild'); return { kind: 'constructors', loc };
        case 'ASSERT': return this.parseAssert();
        case 'INCLUDE': return this.parseInclude<OutputSectionCommand>('outputSection');
        case 'PROVIDE': case 'PROVIDE_HIDDEN': case 'HIDDEN': return this.parseAssignmentStatement('wild');
        case 'SORT': {
          const save = s.lexer.offset;
          s.next('wild');
          if (s.accept('(', 'wild') && s.acceptWord('CONSTRUCTORS', 'wild') && s.accept(')', 'wild')) return { kind: 'sortConstructors', loc };
          s.lexer.offset = save;
        }
      }
    }
    if (token.type === 'name' || token.type === 'string') {
      const save = s.lexer.offset;
      s.next('wild');
      const after = s.peek('wild');
      s.lexer.offset = save;
      if (after.type === 'op' && ASSIGNMENT_OPERATORS.has(after.text)) return this.parseAssignmentStatement('wild');
    }
    if (isInputSectionStart(token)) return parseInputSection(s);
    throw s.unexpected(token, "an input section description, assignment or '}'");
  }
}
