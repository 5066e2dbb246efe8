// Which URLs a model download may touch. In production: Hugging Face over https only, both for the
// pinned "resolve" URL and for every redirect it answers with. In tests: loopback only.

/** Decides whether the downloader may request a URL (the first one and each redirect). */
export interface HostPolicy {
  allows(url: URL): boolean;
  /** For error messages: what is allowed, in words. */
  readonly description: string;
}

export const HUGGING_FACE = 'https://huggingface.co';

/**
 * huggingface.co answers /resolve/ with a redirect to its CDN. Hosts seen so far:
 * cdn-lfs.huggingface.co, cdn-lfs-us-1.huggingface.co, cdn-lfs-eu-1.huggingface.co (Git LFS),
 * cdn-lfs.hf.co and cas-bridge.xethub.hf.co (Xet storage). The rule accepts any subdomain of the
 * two domains Hugging Face owns, so a CDN move does not break downloads, and nothing else.
 */
export const huggingFacePolicy: HostPolicy = {
  allows: (url) =>
    url.protocol === 'https:' &&
    (url.hostname === 'huggingface.co' || url.hostname.endsWith('.huggingface.co') || url.hostname.endsWith('.hf.co')),
  description: 'https://huggingface.co and its CDN (*.huggingface.co, *.hf.co)',
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Tests serve files from a local HTTP server; the downloader may then talk to loopback only. */
export const loopbackPolicy: HostPolicy = {
  allows: (url) => (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK.has(url.hostname),
  description: 'loopback addresses (127.0.0.1, localhost, ::1) — test servers only',
};

/** The policy for a base URL: Hugging Face itself, or a loopback test server; anything else throws. */
export function policyForBase(baseUrl: string): HostPolicy {
  const url = new URL(baseUrl);
  if (url.origin === HUGGING_FACE) return huggingFacePolicy;
  if (loopbackPolicy.allows(url)) return loopbackPolicy;
  throw new Error(`refusing to download from ${baseUrl}: only ${HUGGING_FACE} (or a loopback test server) is allowed`);
}

/**
 * The policy for $HF_ENDPOINT: Hugging Face itself, a loopback server (http allowed), or a mirror
 * over https (its host and its subdomains, where mirrors keep their CDN). Plain http elsewhere throws.
 */
export function policyForEndpoint(endpoint: string): HostPolicy {
  const url = new URL(endpoint);
  if (url.origin === HUGGING_FACE || loopbackPolicy.allows(url)) return policyForBase(endpoint);
  if (url.protocol !== 'https:') throw new Error(`refusing the mirror ${endpoint} (HF_ENDPOINT): plain http is allowed on loopback only; use https`);
  const host = url.hostname;
  return {
    allows: (next) => next.protocol === 'https:' && (next.hostname === host || next.hostname.endsWith(`.${host}`)),
    description: `the mirror ${url.origin} and its subdomains (HF_ENDPOINT)`,
  };
}
