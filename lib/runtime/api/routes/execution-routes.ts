/**
 * POST /workflows/:id/executions (202, pending, enqueued with the execution
 * id as job id; 503 and the execution failed when the enqueue fails) and
 * GET /executions/:id (status and step results).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../logging/logger';
import type { ExecutionQueue } from '../../queue/execution-queue';
import type { ExecutionRepository } from '../../storage/execution-repository';
import type { WorkflowRepository } from '../../storage/workflow-repository';
import { HttpError } from '../http-error';

export const ENQUEUE_FAILED = 'the execution could not be enqueued; it did not run';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ExecutionRoutesDeps {
  readonly workflows: WorkflowRepository;
  readonly executions: ExecutionRepository;
  readonly queue: ExecutionQueue;
  readonly logger: Logger;
}

export function registerExecutionRoutes(app: FastifyInstance, deps: ExecutionRoutesDeps): void {
  app.post<{ Params: { id: string } }>('/workflows/:id/executions', async (request, reply) => {
    const body: unknown = request.body;
    if (body !== undefined && !isPlainObject(body)) throw new HttpError(400, 'the body must be a JSON object {"input": {...}}');
    const input = body?.input;
    if (input !== undefined && !isPlainObject(input)) throw new HttpError(400, 'input must be a JSON object');
    const workflow = await deps.workflows.findById(request.tenantId, request.params.id);
    if (!workflow) throw new HttpError(404, 'workflow not found');
    const execution = await deps.executions.create(request.tenantId, workflow.id, input ?? {});
    try {
      await deps.queue.enqueue({ executionId: execution.id, tenantId: request.tenantId });
    } catch (error) {
      // The logger's err serializer removes credentials from driver messages.
      deps.logger.error({ executionId: execution.id, err: error }, 'enqueue failed');
      // Nothing will run it: end it now rather than leave it pending. If even that fails
      // (the database is down too), the worker's orphan sweeper ends it later.
      await deps.executions.finishUnended(execution.id, ENQUEUE_FAILED, new Date()).catch((failure: unknown) => {
        deps.logger.error({ executionId: execution.id, err: failure }, 'could not fail the unqueued execution; the orphan sweeper will');
      });
      throw new HttpError(503, 'the queue is unavailable; try again later');
    }
    return reply.code(202).send({ id: execution.id, workflowId: workflow.id, status: 'pending' });
  });

  app.get<{ Params: { id: string } }>('/executions/:id', async (request) => {
    const execution = await deps.executions.findById(request.tenantId, request.params.id);
    if (!execution) throw new HttpError(404, 'execution not found');
    const steps = await deps.executions.listSteps(execution.id);
    return {
      id: execution.id,
      workflowId: execution.workflowId,
      status: execution.status,
      error: execution.error,
      triggerType: execution.triggerType,
      input: execution.input,
      deliveries: execution.deliveries,
      createdAt: execution.createdAt,
      startedAt: execution.startedAt,
      finishedAt: execution.finishedAt,
      steps: steps.map((step) => ({
        nodeId: step.nodeId,
        type: step.type,
        status: step.status,
        attempts: step.attempts,
        output: step.output,
        error: step.error,
        durationMs: step.durationMs,
        startedAt: step.startedAt,
        finishedAt: step.finishedAt,
      })),
    };
  });
}
