import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  /** Exactly this many requests, unless `maxSeconds` runs out first (then the phase fails). */
  amount: number;
  maxSeconds: number;
  /** The i-th request's headers and body (a different person or JWT per request). */
  request: (index: number) => { headers: Record<string, string>; body?: string };
}

export interface LoadResult {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** Runs one bounded autocannon phase; any error, timeout or non-2xx answer fails the bench. */
export const load = (spec: LoadSpec): Promise<LoadResult> =>
  new Promise((resolve, reject) => {
    let index = 0;
    let timedOut = false;
    // autocannon ends a run on its one-second ticker: time the requests, not the ticker.
    const start = performance.now();
    let lastResponse = start;
    let firstFailure = '';
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method,
        connections: spec.connections,
        amount: spec.amount,
        timeout: 10,
        requests: [
          {
            setupRequest: (request) => ({ ...request, ...spec.request(index++) }),
            onResponse: (status, body) => {
              if (status >= 300 && !firstFailure) firstFailure = `; first: ${status} ${body}`;
            },
          },
        ],
      },
      (error, result) => {
        clearTimeout(watchdog);
        if (error) return reject(error as Error);
        const failed = result.errors + result.timeouts + result.non2xx;
        if (timedOut || failed > 0 || result.requests.total < spec.amount) {
          return reject(
            new Error(
              `${spec.method} ${spec.url}: ${result.requests.total}/${spec.amount} requests, ` +
                `${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts` +
                (timedOut ? `, stopped after ${spec.maxSeconds}s` : '') +
                firstFailure
            )
          );
        }
        const seconds = (lastResponse - start) / 1000;
        resolve({
          requests: result.requests.total,
          seconds,
          reqPerSec: result.requests.total / seconds,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
        });
      }
    );
    instance.on('response', () => {
      lastResponse = performance.now();
    });
    const watchdog = setTimeout(() => {
      timedOut = true;
      instance.stop();
    }, spec.maxSeconds * 1000);
  });

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
