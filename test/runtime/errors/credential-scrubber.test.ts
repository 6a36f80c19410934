import { createCredentialScrubber } from '../../../lib/runtime/errors/credential-scrubber';

const scrub = createCredentialScrubber(['postgres://gorax:pw@db:5432/gorax', 'http://publickey@sentry.example/1']);

it.each([
  ['the configured secrets verbatim', 'cannot reach postgres://gorax:pw@db:5432/gorax now', 'cannot reach [redacted] now'],
  ['the DSN', 'dsn http://publickey@sentry.example/1', 'dsn [redacted]'],
  ['any other connection string', 'redis://:hunter2@cache:6379/0 down', '[redacted-connection-string] down'],
  ['URL user-info', 'GET https://bob:s3cret@api.example.com/x failed', 'GET https://[redacted]@api.example.com/x failed'],
  ['key=value credentials', 'password=hunter2, token: abc.def api_key="k-1" secret=\'x y\'', 'password=[redacted], token: [redacted] api_key=[redacted] secret=[redacted]'],
  ['authorization schemes', 'sent Bearer eyJhbGciOi.x.y and Basic dXNlcjpwYXNz', 'sent Bearer [redacted] and Basic [redacted]'],
  ['URL query strings', 'GET https://api.example.com/items?id=1&sig=abc failed', 'GET https://api.example.com/items failed'],
  ['a token behind an Authorization header', 'Authorization: Bearer abc.def', 'Authorization: [redacted] [redacted]'],
  ['lower-case schemes', 'authorization=bearer s3cr3t-token', 'authorization=[redacted] [redacted]'],
  ['credentials in JSON text', '{"password":"hunter2","user":"bob"}', '{"password":[redacted],"user":"bob"}'],
  ['every pair of a cookie header', 'cookie: session=abc; csrf=def\nnext line', 'cookie: [redacted]\nnext line'],
])('removes %s', (_what, input, expected) => {
  expect(scrub(input)).toBe(expected);
});

it('leaves ordinary text alone', () => {
  expect(scrub('step "fetch" (action:http) failed: GET http://127.0.0.1:81/fail answered 500')).toBe(
    'step "fetch" (action:http) failed: GET http://127.0.0.1:81/fail answered 500',
  );
});
