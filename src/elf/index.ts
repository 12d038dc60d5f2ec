// Public surface of the ELF model: bytes in, zero-copy views out; and images back to bytes.
export * from './constants.ts';
export * from './errors.ts';
export * from './types.ts';
export { readElf, isElf, ElfFile, SymbolTable, RelocationTable, StringTable } from './reader.ts';
export { readArchive, isArchive } from './archive.ts';
export type { Archive, ArchiveMember, ArchiveSymbol } from './archive.ts';
export { writeElf, imageFromElf } from './writer.ts';
export type { ElfImage, ImageSection } from './writer.ts';
export { ByteView, latin1 } from './bytes.ts';
export { alignUp, alignUpNumber } from './align.ts';
