// Evaluates linker-script expressions with GNU ld 2.40's value semantics (manual "The Section of an
// Expression", checked against ld). It knows nothing of layout: the linker core supplies `.`,
// symbols and section facts through EvaluationEnvironment. 64-bit wraparound, as ld on a 64-bit host.
//
// Values come in three kinds, as in ld:
//   - a plain number (constants, SIZEOF, ALIGNOF, LENGTH, DEFINED, CONSTANT, SIZEOF_HEADERS,
//     comparisons, && and ||): `number: true`;
//   - an absolute address: no `section`;
//   - a section-relative address: `section` is the output section and `value` the offset from its
//     start (VMA). Symbols defined in an output section, `ADDR(s)`, and `.` inside an output
//     section are relative. `ABSOLUTE(e)` converts to absolute.
// Binary operators: two terms relative to different sections (or relative and absolute) are both
// made absolute first; otherwise the operator applies to the offsets. The result of + - * / % <<
// >> & | (ld has no `^`) on two terms of the same kind is a number inside an output section and
// absolute outside; with one relative term (and a number) it stays relative. Outside output sections a number
// literal and an absolute symbol are absolute addresses; inside they read as numbers (SIZEOF,
// DEFINED and the like are numbers everywhere). `resolveSymbolValue` and `resolveLocationCounter`
// turn a result into what an assignment defines.
// ld also keeps one flag per evaluation, "relative from absolute": set by `.`, ALIGN(n), ORIGIN
// and SEGMENT_START, cleared whenever a term is made absolute (ABSOLUTE, NEXT, or
// a right operand converted because the operands lie in different sections). The evaluation order
// matters: `. + ABSOLUTE(a)` ends cleared, `ABSOLUTE(a) + .` set.
// ld folds operators over number literals while parsing (`1 == 1`, `ALIGN(0x1234, 0x100)`,
// `LOG2CEIL(2)`, but not ABSOLUTE(5)), so such results are literals too: absolute outside output
// sections.
import type { Assignment, BinaryOperator, Expression } from './ast.ts';
import { LinkerScriptError } from './errors.ts';

const WORD = 0xffff_ffff_ffff_ffffn;
const SIGN = 0x8000_0000_0000_0000n;

/** The result of an expression (see the file comment for the three kinds). */
export interface ExpressionValue {
  /** Offset from `section`'s start when relative; the absolute value otherwise. */
  value: bigint;
  /** The output section a relative value is relative to. */
  section?: string;
  /** A plain number rather than an address. */
  number?: boolean;
  /** ld's "relative from absolute" flag was left set (see the file comment): an absolute result
   *  assigned to a symbol then belongs to the current output section or, outside output
   *  sections, to EvaluationEnvironment.sectionForDot (keeping its absolute value). */
  fromDot?: boolean;
}

/** What the evaluator needs from the linker core. Sizes and addresses are final-phase values. */
export interface EvaluationEnvironment {
  /** The output section whose description is being evaluated; undefined outside them. */
  readonly currentSection?: string;
  /** The location counter as an absolute address; undefined where `.` may not be used. */
  readonly dot?: bigint;
  /** ld's data-segment state (layout/data-segment.ts); absent, the first values without -z relro. */
  dataSegmentAlign?(maxPageSize: bigint, commonPageSize: bigint, dot: bigint): bigint;
  dataSegmentRelroEnd?(offset: bigint, value: bigint): bigint;
  dataSegmentEnd?(value: bigint): bigint;
  /** A defined symbol: `section` + offset when it lies in an output section, else absolute. */
  symbol(name: string): { value: bigint; section?: string } | undefined;
  /** DEFINED(name): defined before this point of the script, or by an input file. */
  isDefined(name: string): boolean;
  /** Output section facts; undefined when the script and inputs have no such section. */
  sectionAddress(name: string): bigint | undefined;
  sectionLoadAddress(name: string): bigint | undefined;
  sectionSize(name: string): bigint | undefined;
  sectionAlignment(name: string): bigint | undefined;
  /** A MEMORY region (see evaluateMemoryRegions). */
  region?(name: string): { origin: bigint; length: bigint } | undefined;
  readonly maxPageSize: bigint;
  readonly commonPageSize: bigint;
  /** Size of the ELF header plus program headers. */
  readonly sizeofHeaders: bigint;
  /** `-T<segment>` overrides for SEGMENT_START (e.g. 'text-segment'). */
  segmentStart?(segment: string): bigint | undefined;
  /** The output section an absolute, dot-derived symbol outside output sections belongs to
   *  (ld: the previous section, or the next one after an assignment to `.`). */
  sectionForDot?(): string | undefined;
  /** Called when `ASSERT(e, msg)` used as an expression fails; default: throw. */
  assertionFailed?(message: string, at: Expression): void;
}

/** Internal value: `section` null for a number, ABS for an absolute address. */
interface Term {
  value: bigint;
  section: string | null;
  /** Built only from number literals by operators ld folds while parsing. */
  literal?: boolean;
}

/** One evaluation: the environment and ld's "relative from absolute" flag. */
interface Evaluation {
  env: EvaluationEnvironment;
  fromDot: boolean;
}
const ABS = '\0ABS';

const wrap = (v: bigint) => v & WORD;
const signed = (v: bigint) => (v & SIGN ? v - (1n << 64n) : v);
const alignUp = (value: bigint, align: bigint) => (align === 0n ? value : wrap(((value + align - 1n) / align) * align));

/** Evaluates `expression`; throws LinkerScriptError (undefined symbol or section, / by zero, ...). */
export function evaluate(expression: Expression, env: EvaluationEnvironment): ExpressionValue {
  const evaluation: Evaluation = { env, fromDot: false };
  const term = fold(expression, evaluation);
  const out: ExpressionValue = { value: term.value };
  if (term.section === null) out.number = true;
  else if (term.section !== ABS) out.section = term.section;
  if (evaluation.fromDot) out.fromDot = true;
  return out;
}

/** The absolute address of a result (a number counts as absolute here). */
export function absoluteValue(result: ExpressionValue, env: EvaluationEnvironment): bigint {
  if (result.section === undefined) return result.value;
  return wrap(sectionStart(result.section, env, undefined) + result.value);
}

/** What `symbol = expr` defines: its absolute address and its section (undefined: SHN_ABS).
 *  Inside an output section a plain number is relative to that section, as in ld. */
export function resolveSymbolValue(result: ExpressionValue, env: EvaluationEnvironment): { value: bigint; section?: string } {
  if (result.section !== undefined) return { value: absoluteValue(result, env), section: result.section };
  if (result.number && env.currentSection !== undefined) {
    return { value: wrap(sectionStart(env.currentSection, env, undefined) + result.value), section: env.currentSection };
  }
  if (result.fromDot) {
    // An absolute value that came from `.`: ld attaches the symbol to the section holding `.`.
    const section = env.currentSection ?? env.sectionForDot?.();
    if (section !== undefined) return { value: result.value, section };
  }
  return { value: result.value };
}

/** The new location counter for `. = expr`: inside an output section a number is an offset
 *  from the section's start, as in ld. */
export function resolveLocationCounter(result: ExpressionValue, env: EvaluationEnvironment): bigint {
  return resolveSymbolValue(result, env).value;
}

/** `x op= e` as the expression ld evaluates: `x op e` (`=` returns `e` unchanged). */
export function assignmentExpression(assignment: Assignment): Expression {
  if (assignment.op === '=') return assignment.value;
  const loc = assignment.loc;
  const target: Expression = assignment.target === '.' ? { kind: 'dot', loc } : { kind: 'symbol', name: assignment.target, loc };
  return { kind: 'binary', op: assignment.op.slice(0, -1) as BinaryOperator, left: target, right: assignment.value, loc };
}

function sectionStart(name: string, env: EvaluationEnvironment, at: Expression | undefined): bigint {
  const address = env.sectionAddress(name);
  if (address === undefined) {
    const loc = at?.loc ?? { file: '<expression>', line: 0, column: 0 };
    throw new LinkerScriptError(loc, `undefined section \`${name}' referenced in expression`);
  }
  return address;
}

/** `value` (absolute) seen from the current section: ld's "relative from absolute". */
function relativeFromAbsolute(value: bigint, ev: Evaluation, at: Expression): Term {
  ev.fromDot = true;
  const section = ev.env.currentSection;
  if (section === undefined) return { value, section: ABS };
  return { value: wrap(value - sectionStart(section, ev.env, at)), section };
}

function makeAbsolute(term: Term, ev: Evaluation, at: Expression): Term {
  ev.fromDot = false;
  if (term.section === null || term.section === ABS) return { value: term.value, section: ABS };
  return { value: wrap(term.value + sectionStart(term.section, ev.env, at)), section: ABS };
}

function dotValue(env: EvaluationEnvironment, at: Expression): bigint {
  if (env.dot === undefined) throw new LinkerScriptError(at.loc, 'invalid reference to the location counter `.\' here');
  return env.dot;
}

/** A number literal (or a value ld folds to one): absolute outside output sections. */
function literal(value: bigint, env: EvaluationEnvironment): Term {
  return { value: wrap(value), section: env.currentSection === undefined ? ABS : null, literal: true };
}

/** A plain number (SIZEOF, DEFINED, ...). */
function number(value: bigint): Term {
  return { value: wrap(value), section: null };
}

function fold(e: Expression, ev: Evaluation): Term {
  const env = ev.env;
  switch (e.kind) {
    case 'number': return literal(e.value, env);
    case 'dot': return relativeFromAbsolute(dotValue(env, e), ev, e);
    case 'symbol': {
      const symbol = env.symbol(e.name);
      if (!symbol) throw new LinkerScriptError(e.loc, `undefined symbol \`${e.name}' referenced in expression`);
      if (symbol.section !== undefined) return { value: wrap(symbol.value), section: symbol.section };
      return { value: wrap(symbol.value), section: env.currentSection === undefined ? ABS : null };
    }
    case 'unary': {
      const t = fold(e.operand, ev);
      const value = e.op === '-' ? wrap(-t.value) : e.op === '~' ? wrap(~t.value) : e.op === '!' ? (t.value === 0n ? 1n : 0n) : t.value;
      return t.literal ? literal(value, env) : { value, section: t.section };
    }
    case 'binary': {
      const left = fold(e.left, ev);
      const right = fold(e.right, ev);
      const result = foldBinary(e.op, left, right, ev, e);
      return left.literal && right.literal ? literal(result.value, env) : result;
    }
    case 'conditional': {
      const condition = fold(e.condition, ev);
      const chosen = fold(condition.value !== 0n ? e.whenTrue : e.whenFalse, ev);
      return condition.literal && chosen.literal ? literal(chosen.value, env) : chosen;
    }
    case 'call': {
      const args = e.args.map((arg) => fold(arg, ev));
      const result = foldCall(e, args, ev);
      const folds = e.fn === 'MAX' || e.fn === 'MIN' || e.fn === 'LOG2CEIL' || (e.fn === 'ALIGN' && args.length === 2);
      return folds && args.every((a) => a.literal) ? literal(result.value, env) : result;
    }
    case 'section': return foldSection(e.fn, e.section, env, e);
    case 'defined': return number(env.isDefined(e.symbol) ? 1n : 0n);
    case 'sizeofHeaders': return number(env.sizeofHeaders);
    case 'constant': return number(e.name === 'MAXPAGESIZE' ? env.maxPageSize : env.commonPageSize);
    case 'region': {
      const region = env.region?.(e.region);
      if (!region) throw new LinkerScriptError(e.loc, `undefined memory region \`${e.region}' referenced in expression`);
      return e.fn === 'LENGTH' ? number(region.length) : relativeFromAbsolute(region.origin, ev, e);
    }
    case 'segmentStart': {
      const fallback = fold(e.fallback, ev);
      return relativeFromAbsolute(env.segmentStart?.(e.segment) ?? fallback.value, ev, e);
    }
    case 'assert': {
      const condition = fold(e.condition, ev);
      if (condition.value === 0n) {
        if (env.assertionFailed) env.assertionFailed(e.message, e);
        else throw new LinkerScriptError(e.loc, e.message);
      }
      return condition;
    }
  }
}

function foldBinary(op: BinaryOperator | 'ALIGN' | 'MAX' | 'MIN', left: Term, right: Term, ev: Evaluation, at: Expression): Term {
  let lhs = left;
  let rhs = right;
  // Terms in different sections (neither a plain number) are both made absolute; ld converts the
  // right one with make_abs, which clears the "relative from absolute" flag.
  if (lhs.section !== null && rhs.section !== null && lhs.section !== rhs.section) {
    lhs = { value: wrap(lhs.value + (lhs.section === ABS ? 0n : sectionStart(lhs.section, ev.env, at))), section: ABS };
    rhs = makeAbsolute(rhs, ev, at);
  }
  // A plain number on the right takes the left's section; remember the left was "a number".
  let lhsSection = lhs.section;
  let section = rhs.section;
  if (section === null) {
    section = lhsSection;
    lhsSection = null;
  }
  const a = lhs.value;
  const b = rhs.value;
  let value: bigint;
  let arithmetic = true;
  switch (op) {
    case '+': value = a + b; break;
    case '-': value = a - b; break;
    case '*': value = a * b; break;
    case '/': case '%':
      if (b === 0n) throw new LinkerScriptError(at.loc, `${op} by zero`);
      value = op === '/' ? signed(a) / signed(b) : signed(a) % signed(b);
      break;
    case '<<': value = a << (b & 63n); break;
    case '>>': value = a >> (b & 63n); break;
    case '&': value = a & b; break;
    case '|': value = a | b; break;
    case '==': case '!=': case '<': case '>': case '<=': case '>=': case '&&': case '||':
      return { value: compare(op, a, b) ? 1n : 0n, section: null };
    case 'ALIGN': value = alignUp(a, b); arithmetic = false; break;
    case 'MAX': value = a > b ? a : b; arithmetic = false; break;
    case 'MIN': value = a < b ? a : b; arithmetic = false; break;
  }
  // Two terms of the same kind give a number inside an output section, an absolute value outside.
  if (arithmetic && lhsSection === section) section = ev.env.currentSection === undefined ? ABS : null;
  return { value: wrap(value), section };
}

function compare(op: string, a: bigint, b: bigint): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    case '&&': return a !== 0n && b !== 0n;
    default: return a !== 0n || b !== 0n;
  }
}

function foldCall(e: Extract<Expression, { kind: 'call' }>, args: Term[], ev: Evaluation): Term {
  switch (e.fn) {
    case 'ALIGN': case 'BLOCK':
      if (args.length === 2) return foldBinary('ALIGN', args[0], args[1], ev, e);
      return relativeFromAbsolute(alignUp(dotValue(ev.env, e), args[0].value), ev, e);
    case 'MAX': case 'MIN': return foldBinary(e.fn, args[0], args[1], ev, e);
    case 'ABSOLUTE': return makeAbsolute(args[0], ev, e);
    case 'LOG2CEIL': return number(log2ceil(args[0].value));
    case 'NEXT': {
      const alignment = makeAbsolute(args[0], ev, e).value;
      return { value: alignUp(dotValue(ev.env, e), alignment), section: ABS };
    }
    case 'DATA_SEGMENT_ALIGN': {
      // A plain number; without the linker's data-segment state, ld's first value without -z relro.
      const dot = dotValue(ev.env, e);
      const max = args[0].value;
      return number(ev.env.dataSegmentAlign ? ev.env.dataSegmentAlign(max, args[1].value, dot) : alignUp(dot, max) + (dot & (max - 1n)));
    }
    case 'DATA_SEGMENT_END': return ev.env.dataSegmentEnd ? number(ev.env.dataSegmentEnd(makeAbsolute(args[0], ev, e).value)) : args[0];
    case 'DATA_SEGMENT_RELRO_END': return ev.env.dataSegmentRelroEnd ? number(ev.env.dataSegmentRelroEnd(args[0].value, makeAbsolute(args[1], ev, e).value)) : args[1];
  }
}

function log2ceil(value: bigint): bigint {
  if (value <= 1n) return 0n;
  let bits = 0n;
  for (let v = value - 1n; v > 0n; v >>= 1n) bits++;
  return bits;
}

function foldSection(fn: string, name: string, env: EvaluationEnvironment, at: Expression): Term {
  const missing = () => new LinkerScriptError(at.loc, `undefined section \`${name}' referenced in expression`);
  switch (fn) {
    case 'ADDR':
      if (env.sectionAddress(name) === undefined) throw missing();
      return { value: 0n, section: name };
    case 'LOADADDR': {
      const lma = env.sectionLoadAddress(name);
      if (lma === undefined) throw missing();
      return { value: lma, section: ABS };
    }
    default: {
      const value = fn === 'SIZEOF' ? env.sectionSize(name) : env.sectionAlignment(name);
      if (value === undefined) throw missing();
      return number(value);
    }
  }
}
