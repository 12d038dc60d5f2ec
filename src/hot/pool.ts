// A small pool that spreads independent stage runs (e.g. sysmap, relocs and strip of one vmlinux,
// sharing its bytes through a SharedArrayBuffer) over one worker per core, first come first served.
// Platform-neutral: the caller supplies workers through `PoolWorker` (Node worker_threads in the CLI
// and tests, Web Workers in a page); what a task does is the worker script's business.

/** The little a pool needs from a worker: send a task, hear one reply or a crash, stop it. */
export interface PoolWorker {
  send(message: unknown): void;
  onReply(listener: (reply: unknown) => void): void;
  onCrash(listener: (error: Error) => void): void;
  terminate(): void;
}

/** What a worker script posts back for each task. */
export type PoolReply<T> = { ok: true; value: T } | { ok: false; error: { name: string; message: string } };

/** A task that failed inside its worker: the worker's error name and message, or the crash. */
export class PoolTaskError extends Error {
  constructor(readonly errorName: string, message: string) {
    super(message);
    this.name = 'PoolTaskError';
  }
}

interface Slot {
  worker: PoolWorker;
  settle: ((reply: PoolReply<unknown>) => void) | null;
}

interface Pending {
  message: unknown;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(private readonly spawn: () => PoolWorker, readonly size: number) {
    if (!(size >= 1)) throw new RangeError(`a pool needs at least one worker, not ${size}`);
  }

  /** Runs one task on the next free worker; resolves to the worker's value or rejects with PoolTaskError. */
  run<T>(message: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new PoolTaskError('PoolClosed', 'the worker pool was closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ message, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; queued tasks are rejected. */
  close(): void {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new PoolTaskError('PoolClosed', 'the worker pool was closed'));
    for (const s of this.slots.splice(0)) s.worker.terminate();
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => !s.settle) ?? (this.slots.length < this.size ? this.start() : null);
      if (!slot) return;
      this.assign(slot, this.queue.shift()!);
    }
  }

  private start(): Slot {
    const slot: Slot = { worker: this.spawn(), settle: null };
    slot.worker.onReply((reply) => slot.settle?.(reply as PoolReply<unknown>));
    slot.worker.onCrash((error) => {
      // A crashed worker is replaced; its task fails with the crash.
      const at = this.slots.indexOf(slot);
      if (at < 0) return;
      const settle = slot.settle;
      this.slots.splice(at, 1);
      slot.worker.terminate();
      settle?.({ ok: false, error: { name: 'WorkerCrash', message: error.message || 'the worker stopped' } });
    });
    this.slots.push(slot);
    return slot;
  }

  private assign(slot: Slot, task: Pending): void {
    slot.settle = (reply) => {
      slot.settle = null;
      if (reply.ok) task.resolve(reply.value);
      else task.reject(new PoolTaskError(reply.error.name, reply.error.message));
      if (!this.closed) this.dispatch();
    };
    slot.worker.send(task.message);
  }
}
