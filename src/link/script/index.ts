// Public surface of the linker-script language: the AST, the parser, the evaluator, the printer.
// The linker core (src/link) consumes these; nothing here lays out sections or reads ELF files.
export type * from './ast.ts';
export { LinkerScriptError } from './errors.ts';
export { parseLinkerScript, parseLinkerExpression } from './parser.ts';
export type { ParseOptions } from './parser.ts';
export { PHDR_TYPES } from './parse-expression.ts';
export { evaluate, absoluteValue, resolveSymbolValue, resolveLocationCounter, assignmentExpression } from './evaluate.ts';
export type { ExpressionValue, EvaluationEnvironment } from './evaluate.ts';
export { printLinkerScript, printExpression, quoteName } from './print.ts';
export { evaluateMemoryRegions } from './memory.ts';
export type { MemoryRegionValue } from './memory.ts';
export { compileWildcard, compileFilePattern, isWildcard } from './wildcard.ts';
export type { NameMatcher, InputFileName } from './wildcard.ts';
