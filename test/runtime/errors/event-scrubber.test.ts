import type { ErrorEvent } from '@sentry/node';
import { createCredentialScrubber } from '../../../lib/runtime/errors/credential-scrubber';
import { scrubEvent } from '../../../lib/runtime/errors/event-scrubber';

it('drops request, user, host and breadcrumbs, redacts credential-named fields and scrubs every string', () => {
  const event = {
    type: undefined,
    message: 'failed with token=abc',
    request: { url: 'https://x/?token=abc', headers: { authorization: 'Bearer abc' }, cookies: { s: 'abc' } },
    user: { ip_address: '10.0.0.1' },
    server_name: 'pod-1',
    breadcrumbs: [{ message: 'Bearer abc' }],
    tags: { tenant_id: 'acme' },
    extra: { headers: { cookie: 'session=abc' }, nested: [{ password: 'abc' }, 'redis://u:abc@h/0'] },
    exception: { values: [{ type: 'Error', value: 'GET https://h/p?token=abc failed' }] },
  } as unknown as ErrorEvent;
  const scrubbed = scrubEvent(event, createCredentialScrubber([]));
  expect(scrubbed).toEqual({
    message: 'failed with token=[redacted]',
    tags: { tenant_id: 'acme' },
    extra: { headers: '[redacted]', nested: [{ password: '[redacted]' }, '[redacted-connection-string]'] },
    exception: { values: [{ type: 'Error', value: 'GET https://h/p failed' }] },
  });
  expect(JSON.stringify(scrubbed)).not.toContain('abc');
});
