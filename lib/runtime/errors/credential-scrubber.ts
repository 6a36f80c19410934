/**
 * Removes credentials from any text bound for an error report: the
 * configured secrets verbatim and URL user-info (the services' own scrubber),
 * plus what merely looks like a credential: connection strings, key=value
 * passwords and tokens, Authorization schemes, and URL query strings.
 */
import { createSecretScrubber, type SecretScrubber } from '../logging/secret-scrubber';

const CONNECTION_STRING = /\b(?:postgres(?:ql)?|redis|rediss|mysql|mongodb(?:\+srv)?|amqps?):\/\/[^\s"'<>]+/gi;
// The key may be quoted (JSON text: "password":"x").
const KEY_VALUE = /\b(password|passwd|pwd|token|access_token|refresh_token|secret|client_secret|api[_-]?key|dsn|authorization)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s&,;"']+)/gi;
// A cookie header holds several pairs: everything to the end of the line goes.
const COOKIE_HEADER = /\b((?:set-)?cookie)(["']?\s*[:=]\s*)[^\r\n]*/gi;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/gi;
const URL_QUERY = /(\bhttps?:\/\/[^\s?#"'<>]*)\?[^\s#"'<>]*/gi;

export function createCredentialScrubber(knownSecrets: readonly string[]): SecretScrubber {
  const known = createSecretScrubber(knownSecrets);
  return (text: string) =>
    known(text)
      .replace(CONNECTION_STRING, '[redacted-connection-string]')
      // Schemes first: `Authorization: Bearer abc` must lose the token, not just the word Bearer.
      .replace(AUTH_SCHEME, '$1 [redacted]')
      .replace(COOKIE_HEADER, '$1$2[redacted]')
      .replace(KEY_VALUE, '$1$2[redacted]')
      .replace(URL_QUERY, '$1');
}
