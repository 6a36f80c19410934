/** Workflows and load for the e2e tests, through the API's own routes only. */
import type { ApiClient } from '../../runtime/support/api-client';
import { eventually } from '../../runtime/support/eventually';
import { chain, definition } from '../../runtime/support/workflows';

export interface E2eWorkflows {
  /** trigger → transform → condition → delay, all completing. */
  readonly succeeding: string;
  /** trigger → action:http to the target's /ok (HTTP step completes). */
  readonly httpOk: string;
  /** trigger → action:http to the target's /fail, which answers 500: the step and the execution fail. */
  readonly failing: string;
}

async function create(api: ApiClient, def: unknown, name: string): Promise<string> {
  const answer = await api.createWorkflow(def, name);
  if (answer.status !== 201) throw new Error(`creating ${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.id as string;
}

export async function createWorkflows(api: ApiClient, targetUrl: string): Promise<E2eWorkflows> {
  return {
    succeeding: await create(
      api,
      definition(
        [
          { id: 'shape', type: 'action:transform', config: { expression: '{"n": input.n}' } },
          { id: 'big', type: 'control:condition', config: { expression: 'input.n > 1' } },
          { id: 'pause', type: 'control:delay', config: { ms: 1 } },
        ],
        [
          { source: 'start', target: 'shape' },
          { source: 'shape', target: 'big' },
          { source: 'big', target: 'pause', branch: 'true' },
        ],
      ),
      'e2e succeeding',
    ),
    httpOk: await create(api, chain({ id: 'call', type: 'action:http', config: { method: 'GET', url: `${targetUrl}/ok` } }), 'e2e http ok'),
    failing: await create(api, chain({ id: 'call', type: 'action:http', config: { method: 'GET', url: `${targetUrl}/fail` } }), 'e2e failing'),
  };
}

/** Starts one execution; answers its id. */
export async function execute(api: ApiClient, workflowId: string, n = 2): Promise<string> {
  const answer = await api.execute(workflowId, { n });
  if (answer.status !== 202) throw new Error(`executing ${workflowId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.id as string;
}

export async function waitFinished(api: ApiClient, executionIds: readonly string[], timeoutMs = 60_000): Promise<string[]> {
  const statuses: string[] = [];
  for (const id of executionIds) {
    statuses.push(
      await eventually(
        async () => {
          const status = (await api.getExecution(id)).body?.status as string | undefined;
          return status === 'completed' || status === 'failed' ? status : undefined;
        },
        { timeoutMs, intervalMs: 100, what: `execution ${id} to finish` },
      ),
    );
  }
  return statuses;
}

/** Runs `count` calls with at most `parallel` in flight. */
export async function inParallel<T>(count: number, parallel: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await call(i);
      }
    }),
  );
  return results;
}
