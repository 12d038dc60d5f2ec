// Writes an ElfImage to a file the way writeElf lays it out, but without a file-sized buffer: each
// section's bytes go out with one positional write straight from where they already are (views of
// the input file), gaps stay holes that read as zeros, and the header tables come from writeElf run
// on the image without contents (a lazily zeroed buffer of which only the header pages are touched).
// The file is written beside its destination and renamed over it.

import { closeSync, existsSync, fchmodSync, ftruncateSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { EHDR_SIZE, ElfFormatError, PHDR_SIZE, SHDR_SIZE, SHT_NOBITS, writeElf, type ElfImage } from '../elf/index.ts';
import { isRegularFile, writeAt } from './ranged-file.ts';

const EMPTY = new Uint8Array(0);

/**
 * Same bytes as writeFileSync(path, writeElf(image, fileName), { mode }), same errors. A regular
 * `path` is written as a new file beside it, renamed over it when complete, while the old file is
 * unlinked on a libuv thread (objcopy also replaces rather than truncates: on ext4, truncating and
 * rewriting makes close() flush, renaming over an existing file too; ~0.1 s each for 300 MB).
 */
export async function writeImageFile(path: string, image: ElfImage, fileName: string, mode = 0o755): Promise<void> {
  const need = (what: string, at: number, size: number) => {
    if (at < 0 || at + size > image.size) throw new ElfFormatError(fileName, what, at, `${size} bytes do not fit in an image of ${image.size} bytes`);
  };
  // writeElf's order, so overlapping pieces end the same way: fill, section contents, headers.
  const pieces: [at: number, bytes: Uint8Array][] = [];
  for (const f of image.fill) {
    need('fill', f.offset, f.bytes.length);
    pieces.push([f.offset, f.bytes]);
  }
  for (const s of image.sections) {
    if (s.header.type === SHT_NOBITS || s.data.length === 0) continue;
    const at = Number(s.header.offset);
    need(`section ${s.header.name}`, at, s.data.length);
    pieces.push([at, s.data]);
  }
  const headers = writeElf({ ...image, sections: image.sections.map((s) => ({ header: s.header, data: EMPTY })), fill: [] }, fileName);
  const h = image.header;
  const phoff = Number(h.phoff);
  const shoff = Number(h.shoff);
  pieces.push([0, headers.subarray(0, EHDR_SIZE[h.elfClass])]);
  if (image.segments.length) pieces.push([phoff, headers.subarray(phoff, phoff + image.segments.length * PHDR_SIZE[h.elfClass])]);
  if (image.sections.length) pieces.push([shoff, headers.subarray(shoff, shoff + image.sections.length * SHDR_SIZE[h.elfClass])]);
  const write = (target: string, keepMode: number | undefined) => {
    const fd = openSync(target, 'w', mode);
    try {
      for (const [at, bytes] of pieces) writeAt(fd, bytes, at);
      ftruncateSync(fd, image.size);
      if (keepMode !== undefined) fchmodSync(fd, keepMode);
    } finally {
      closeSync(fd);
    }
  };
  const replacing = isRegularFile(path);
  if (!replacing && existsSync(path)) {
    // A device or pipe takes no positional writes: the whole image in order, as before.
    writeFileSync(path, writeElf(image, fileName));
    return;
  }
  // A replaced file keeps its mode, as writeFileSync leaves it; a new one gets `mode` less the umask.
  const keepMode = replacing ? statSync(path).mode & 0o7777 : undefined;
  const temp = join(dirname(path), `.${basename(path)}.ldplay-${process.pid}.tmp`);
  const removing = replacing ? unlink(path).then(() => null, (e: Error) => e) : Promise.resolve(null);
  try {
    write(temp, keepMode);
    const failed = await removing;
    if (failed) throw failed;
    renameSync(temp, path);
  } catch (e) {
    await removing;
    rmSync(temp, { force: true });
    throw e;
  }
}
