/**
 * Removes credentials from text that leaves the process (health answers,
 * logs, persisted step errors): the configured secrets verbatim, and the
 * user-info part of any URL (scheme://user:password@host).
 */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s"']+@/gi;

export type SecretScrubber = (text: string) => string;

export function createSecretScrubber(secrets: readonly string[]): SecretScrubber {
  // Longest first, so a secret that contains another is removed whole.
  const known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const secret of known) out = out.split(secret).join('[redacted]');
    return out.replace(URL_CREDENTIALS, '$1[redacted]@');
  };
}
