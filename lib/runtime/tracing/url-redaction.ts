/**
 * URLs as spans may carry them: no query string, no fragment, no user-info.
 * A query string is where tokens travel (`?token=…`); user-info is where
 * passwords do (`https://user:pass@host`).
 */

/** The absolute URL without user-info, query or fragment; a fixed marker when it does not parse. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString();
  } catch {
    return '[invalid-url]';
  }
}

/** A request target (`/path?query#frag`) reduced to its path. */
export function redactPath(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}
