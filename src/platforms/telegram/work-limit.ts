// At most `concurrency` updates are worked on at once; the rest wait their turn in arrival order.
// A burst (300 webhook updates at once) would otherwise start 300 commands together, each with its
// SQLite work, rendering and a Bot API connection, and every step of all 300 would queue on the
// event loop ahead of a /healthz request (docs/hardening.md "Link flood"). Hand-written rather than
// p-limit: p-limit is only a transitive dependency here, and this is the whole of what is needed.
export function createWorkLimit(concurrency: number): <T>(work: () => Promise<T>) => Promise<T> {
  const waiting: (() => void)[] = [];
  let running = 0;
  // A finished work hands its slot straight to the oldest waiter (`running` unchanged), else frees it.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (work) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await work();
    } finally {
      release();
    }
  };
}
