// One request shared by every concurrent caller that asks for the same thing (one download, one
// parse), and aborted as soon as no caller waits for it any more. A caller passes an AbortSignal
// (the interactive budget of src/market/fallback.ts); when it fires, that caller alone is answered
// with the signal's reason, and the last caller to leave aborts the work itself. So a request the
// budget abandoned never runs on (its socket, its retries, its backoff timer): a one-shot command
// exits once it has answered, and `start` shuts down without waiting for a dead server
// (docs/hardening.md, "A dead CBOE never holds the process").

export interface SharedRequests<T> {
  /**
   * The request running under `key`, joined, or started with `start` (given the signal that aborts
   * it). Without a signal the caller waits to the end and keeps the request alive.
   */
  join(key: string, start: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Keys with a request running (for tests and diagnostics). */
  keys(): string[];
}

interface Running<T> {
  promise: Promise<T>;
  controller: AbortController;
  waiting: number;
}

export function createSharedRequests<T>(): SharedRequests<T> {
  const running = new Map<string, Running<T>>();
  const forget = (key: string, entry: Running<T>) => {
    if (running.get(key) === entry) running.delete(key);
  };

  function begin(key: string, start: (signal: AbortSignal) => Promise<T>): Running<T> {
    const controller = new AbortController();
    // Settles later than this function returns (start is awaited), so `entry` is set by then.
    const promise = (async () => start(controller.signal))().finally(() => forget(key, entry));
    const entry: Running<T> = { promise, controller, waiting: 0 };
    running.set(key, entry);
    return entry;
  }

  return {
    join(key, start, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const entry = running.get(key) ?? begin(key, start);
      entry.waiting++;
      if (!signal) return entry.promise;
      return new Promise<T>((resolve, reject) => {
        const leave = () => {
          entry.waiting--;
          if (entry.waiting === 0) {
            // Nobody waits: a new caller starts afresh rather than join a request being torn down.
            forget(key, entry);
            entry.controller.abort(signal.reason);
          }
          reject(signal.reason);
        };
        signal.addEventListener('abort', leave, { once: true });
        void entry.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', leave));
      });
    },
    keys: () => [...running.keys()],
  };
}
