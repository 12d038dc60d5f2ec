// Expression parser for linker scripts: C precedence and associativity as in ld's grammar
// (?: right-associative, then || && | ^ & ==/!= relational shifts additive multiplicative unary),
// numbers in ld's forms and the builtin functions. It builds Expression nodes; it evaluates nothing.
import type { BinaryOperator, CallFunction, Expression, SectionFunction } from './ast.ts';
import type { Token } from './lexer.ts';
import type { TokenStream } from './token-stream.ts';

const MODE = 'expression';

/** Binary operator precedence, loosest first (after ?:). */
// ld 2.40 has no `^` operator in expressions ("ignoring invalid character `^' in expression").
const LEVELS: BinaryOperator[][] = [
  ['||'], ['&&'], ['|'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];
const LEVEL_OF = new Map<string, number>();
LEVELS.forEach((ops, level) => ops.forEach((op) => LEVEL_OF.set(op, level)));

/** Builtins and how many expression arguments they take. */
const CALLS: Record<CallFunction, number[]> = {
  ALIGN: [1, 2], BLOCK: [1], ABSOLUTE: [1], MAX: [2], MIN: [2], LOG2CEIL: [1], NEXT: [1],
  DATA_SEGMENT_ALIGN: [2], DATA_SEGMENT_END: [1], DATA_SEGMENT_RELRO_END: [2],
};
const SECTION_FUNCTIONS = new Set<string>(['ADDR', 'LOADADDR', 'SIZEOF', 'ALIGNOF']);

/** The ELF program header type names PHDRS accepts, with their values. */
export const PHDR_TYPES: Record<string, bigint> = {
  PT_NULL: 0n, PT_LOAD: 1n, PT_DYNAMIC: 2n, PT_INTERP: 3n, PT_NOTE: 4n, PT_SHLIB: 5n, PT_PHDR: 6n, PT_TLS: 7n,
  PT_GNU_EH_FRAME: 0x6474e550n, PT_GNU_STACK: 0x6474e551n, PT_GNU_RELRO: 0x6474e552n, PT_GNU_PROPERTY: 0x6474e553n,
};

export function parseExpression(s: TokenStream): Expression {
  return s.nested(() => parseConditional(s));
}

function parseConditional(s: TokenStream): Expression {
  const condition = parseBinary(s, 0);
  const question = s.peek(MODE);
  if (question.type === 'op' && question.text === '?') {
    s.next(MODE);
    const whenTrue = parseExpression(s);
    s.expectOp(':', MODE);
    const whenFalse = parseExpression(s);
    return { kind: 'conditional', condition, whenTrue, whenFalse, loc: condition.loc };
  }
  return condition;
}

function parseBinary(s: TokenStream, level: number): Expression {
  if (level === LEVELS.length) return parseUnary(s);
  let left = parseBinary(s, level + 1);
  for (;;) {
    const token = s.peek(MODE);
    if (token.type !== 'op' || LEVEL_OF.get(token.text) !== level) return left;
    s.next(MODE);
    const right = parseBinary(s, level + 1);
    left = { kind: 'binary', op: token.text as BinaryOperator, left, right, loc: left.loc };
  }
}

function parseUnary(s: TokenStream): Expression {
  const token = s.peek(MODE);
  if (token.type === 'op' && (token.text === '-' || token.text === '+' || token.text === '!' || token.text === '~')) {
    s.next(MODE);
    const operand = s.nested(() => parseUnary(s));
    return { kind: 'unary', op: token.text, operand, loc: s.loc(token) };
  }
  return parsePrimary(s);
}

function parsePrimary(s: TokenStream): Expression {
  const token = s.next(MODE);
  const loc = s.loc(token);
  if (token.type === 'number') return { kind: 'number', value: token.value, text: token.text, loc };
  if (token.type === 'string') return { kind: 'symbol', name: token.text, loc };
  if (token.type === 'op' && token.text === '(') {
    const inner = parseExpression(s);
    s.expectOp(')', MODE);
    return inner;
  }
  if (token.type !== 'name') throw s.unexpected(token, 'an expression');
  const name = token.text;
  if (name === '.') return { kind: 'dot', loc };
  if (name === 'SIZEOF_HEADERS') return { kind: 'sizeofHeaders', loc };
  if (!s.isOp('(', MODE)) return { kind: 'symbol', name, loc };
  if (name in CALLS) return parseCall(s, name as CallFunction, token);
  if (SECTION_FUNCTIONS.has(name)) {
    s.next(MODE);
    const section = s.expectName(MODE, 'a section name');
    s.expectOp(')', MODE);
    return { kind: 'section', fn: name as SectionFunction, section, loc };
  }
  switch (name) {
    case 'DEFINED': {
      s.next(MODE);
      const symbol = s.expectName(MODE, 'a symbol name');
      s.expectOp(')', MODE);
      return { kind: 'defined', symbol, loc };
    }
    case 'CONSTANT': {
      s.next(MODE);
      const which = s.next(MODE);
      if (which.type !== 'name' || (which.text !== 'MAXPAGESIZE' && which.text !== 'COMMONPAGESIZE')) {
        throw s.unexpected(which, 'MAXPAGESIZE or COMMONPAGESIZE');
      }
      s.expectOp(')', MODE);
      return { kind: 'constant', name: which.text, loc };
    }
    case 'ORIGIN': case 'LENGTH': {
      s.next(MODE);
      const region = s.expectName(MODE, 'a memory region name');
      s.expectOp(')', MODE);
      return { kind: 'region', fn: name, region, loc };
    }
    case 'SEGMENT_START': {
      s.next(MODE);
      const segment = s.expectName(MODE, 'a segment name');
      s.expectOp(',', MODE);
      const fallback = parseExpression(s);
      s.expectOp(')', MODE);
      return { kind: 'segmentStart', segment, fallback, loc };
    }
    case 'ASSERT': {
      s.next(MODE);
      const condition = parseExpression(s);
      s.expectOp(',', MODE);
      const message = s.expectName(MODE, 'a message');
      s.expectOp(')', MODE);
      return { kind: 'assert', condition, message, loc };
    }
  }
  return { kind: 'symbol', name, loc };
}

function parseCall(s: TokenStream, fn: CallFunction, token: Token): Expression {
  s.expectOp('(', MODE);
  const args = [parseExpression(s)];
  while (s.accept(',', MODE)) args.push(parseExpression(s));
  const close = s.peek(MODE);
  if (!CALLS[fn].includes(args.length)) {
    throw s.unexpected(close, `${CALLS[fn].join(' or ')} argument${CALLS[fn].at(-1) === 1 ? '' : 's'} to ${fn}`);
  }
  s.expectOp(')', MODE);
  return { kind: 'call', fn, args, loc: s.loc(token) };
}
