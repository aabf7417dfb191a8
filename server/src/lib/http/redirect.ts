export type Delivery = 'query' | 'fragment';

/**
 * The configured app URL with `params` added, each key and value percent-encoded (spaces as %20,
 * which iOS and Android both decode), keeping any query or fragment the URL already has. Only
 * values change: the target itself always comes from configuration.
 */
export const appRedirectUrl = (
  base: string,
  params: Readonly<Record<string, string | undefined>>,
  delivery: Delivery
): string => {
  const encoded = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  if (!encoded) return base;

  const hashAt = base.indexOf('#');
  const beforeHash = hashAt === -1 ? base : base.slice(0, hashAt);
  const fragment = hashAt === -1 ? undefined : base.slice(hashAt + 1);

  if (delivery === 'fragment') {
    return `${beforeHash}#${fragment ? `${fragment}&` : ''}${encoded}`;
  }
  const joiner = !beforeHash.includes('?') ? '?' : /[?&]$/.test(beforeHash) ? '' : '&';
  return `${beforeHash}${joiner}${encoded}${fragment === undefined ? '' : `#${fragment}`}`;
};
