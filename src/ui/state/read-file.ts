// Reads a user's File into one ArrayBuffer in chunks, reporting progress, so a vmlinux of hundreds
// of MB loads without freezing the tab; the buffer is then transferred (not copied) to the worker.
// Streams (File.stream) when available, else falls back to File.arrayBuffer.

export async function readFileWithProgress(file: Blob, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<ArrayBuffer> {
  const total = file.size;
  if (typeof file.stream !== 'function') return file.arrayBuffer();
  const out = new Uint8Array(total);
  const reader = file.stream().getReader();
  let done = 0;
  let lastReport = 0;
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel();
      throw new DOMException('Reading was cancelled', 'AbortError');
    }
    const chunk = await reader.read();
    if (chunk.done) break;
    out.set(chunk.value, done);
    done += chunk.value.length;
    if (done - lastReport > total / 100 || done === total) {
      lastReport = done;
      onProgress(done, total);
    }
  }
  return out.buffer;
}
