export interface RateLimiterOptions {
  windowMs: number;
  /** Requests allowed per client and window; 0 allows everything. */
  max: number;
  /** Clients tracked at once; beyond it the oldest window is forgotten, bounding memory. */
  maxClients: number;
  now?: () => number;
}

export interface Verdict {
  allowed: boolean;
  /** Milliseconds until the client's window ends (0 when allowed without limit). */
  retryAfterMs: number;
}

interface Window {
  count: number;
  endsAt: number;
}

/**
 * Fixed windows per client that start at the client's first request, so a burst inside one
 * window can never pass more than `max`, whatever the wall clock. Windows live in a Map kept in
 * start order (a new window is re-inserted at the end): the expired ones are always at its head,
 * and are swept from there in constant time per request on average.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;

  constructor(private readonly options: RateLimiterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Counts one request of `client` and says whether it may go on. */
  hit(client: string): Verdict {
    const { max, windowMs, maxClients } = this.options;
    if (max === 0) return { allowed: true, retryAfterMs: 0 };
    const now = this.now();
    this.sweep(now);

    let window = this.windows.get(client);
    if (!window || window.endsAt <= now) {
      this.windows.delete(client);
      if (this.windows.size >= maxClients) {
        const oldest = this.windows.keys().next().value as string;
        this.windows.delete(oldest);
      }
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(client, window);
    }
    window.count += 1;
    return { allowed: window.count <= max, retryAfterMs: window.endsAt - now };
  }

  /** Clients currently tracked (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  private sweep(now: number): void {
    for (const [client, window] of this.windows) {
      if (window.endsAt > now) return;
      this.windows.delete(client);
    }
  }
}
