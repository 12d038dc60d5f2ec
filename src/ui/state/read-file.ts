// Reads a user's File into one ArrayBuffer in 8 MiB slices (File.slice), reporting progress, so a
// vmlinux of hundreds of MB loads without freezing the tab: few, large reads keep the main thread's
// allocations and garbage small. The buffer is then transferred (not copied) to the worker.

const SLICE = 8 << 20;

export async function readFileWithProgress(file: Blob, onProgress: (done: number, total: number) => void, signal?: AbortSignal): Promise<ArrayBuffer> {
  const total = file.size;
  if (total <= SLICE) {
    const whole = await file.arrayBuffer();
    onProgress(total, total);
    return whole;
  }
  const out = new Uint8Array(total);
  for (let done = 0; done < total;) {
    if (signal?.aborted) throw new DOMException('Reading was cancelled', 'AbortError');
    const chunk = new Uint8Array(await file.slice(done, Math.min(total, done + SLICE)).arrayBuffer());
    out.set(chunk, done);
    done += chunk.length;
    onProgress(done, total);
  }
  return out.buffer;
}
