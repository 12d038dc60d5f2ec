// Saves an artifact the worker holds as a file: its bytes are read back in 1 MiB pages (the
// worker's readBytes cap) into a Blob — no single giant copy — and handed to the browser's
// download through a temporary blob: link. The bytes are exactly the artifact's, as the CLI writes it.
import type { ElfClient } from '../../worker/client.ts';

const PAGE = 1 << 20;

/** The artifact's bytes as a Blob; `onProgress` sees bytes read so far. Throws with the file name on a read failure. */
export async function artifactBlob(client: ElfClient, name: string, size: number, onProgress?: (done: number, total: number) => void): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let offset = 0; offset < size;) {
    const r = await client.readBytes(name, offset, Math.min(PAGE, size - offset));
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    if (r.value.length === 0) throw new Error(`${name}: the worker returned no bytes at offset 0x${offset.toString(16)} of ${size}`);
    parts.push(r.value as Uint8Array<ArrayBuffer>);
    offset += r.value.length;
    onProgress?.(offset, size);
  }
  return new Blob(parts, { type: 'application/octet-stream' });
}

/** Starts the browser's download of `blob` under `fileName`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken its own reference by the next task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
