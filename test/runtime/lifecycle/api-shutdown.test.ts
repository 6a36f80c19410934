/**
 * SIGTERM on the API process: readiness turns 503 first (liveness stays
 * 200), a request in flight is answered, and the process exits 0.
 */
import { request } from 'node:http';
import { type ChildService, startChild } from '../support/child-service';
import { eventually } from '../support/eventually';
import { canConnect } from '../support/owned-redis';
import { createTestEnvironment } from '../support/test-environment';
import { chain } from '../support/workflows';

const environment = createTestEnvironment({ SHUTDOWN_DELAY_MS: '1000', LOG_LEVEL: 'info' });
let child: ChildService;

afterAll(async () => {
  child?.kill('SIGKILL');
  await child?.exited;
  await environment.cleanup();
});

it('turns readiness 503, drains the request in flight and exits 0', async () => {
  child = startChild('api', environment.env);
  await child.waitForLog('api started');
  const port = (child.lines.find((l) => l.msg === 'api listening')!.port as number);

  // A request whose body is still arriving when SIGTERM comes.
  const body = JSON.stringify({ name: 'in flight', definition: chain({ id: 'wait', type: 'control:delay', config: { ms: 1 } }) });
  let finish!: () => void;
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/workflows', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-tenant-id': 'acme' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.write(body.slice(0, 10));
    finish = () => req.end(body.slice(10));
  });

  child.kill('SIGTERM');

  const ready = await eventually(async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
    return response.status === 503 ? ((await response.json()) as { status: string }) : undefined;
  }, { what: 'readiness 503' });
  expect(ready.status).toBe('shutting_down');
  expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);

  // After the delay the server stops accepting connections, while our request is still open.
  await eventually(async () => !(await canConnect(port)), { what: 'the listener to close' });
  finish();
  const result = await answer;
  expect(result.status).toBe(201);
  expect(JSON.parse(result.body)).toMatchObject({ name: 'in flight' });

  expect(await child.exited).toEqual({ code: 0, signal: null });
  expect(child.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'api closed', 'shut down cleanly']));
});
