/**
 * Runs one execution's workflow graph in dependency order, persisting each
 * step's result as it happens and recording the workflow and step metrics.
 *
 * Idempotency: `run` first claims the execution row (pending or running ->
 * running). A completed or failed execution is never run again, so a
 * duplicate delivery does nothing. A redelivery of an interrupted execution
 * (its worker was killed) keeps the steps that already completed, failed or
 * were skipped, reusing their stored output, and redoes the step that was
 * running when the worker died, so a step's side effect (an HTTP call) can
 * happen twice but a completed step never runs again.
 *
 * Every step goes through `executeStep`: the one place to wrap a step. The
 * run is a `workflow.execute` span and each step a `step.execute` span (no
 * step config, input or output is recorded: it may hold injected
 * credentials). Failed executions and steps that exhausted their retries are
 * reported to error tracking, grouped per workflow and step type.
 */
import { performance } from 'node:perf_hooks';
import { captureError } from '../errors/error-reporting';
import type { Logger } from '../logging/logger';
import type { SecretScrubber } from '../logging/secret-scrubber';
import type { WorkflowMetrics } from '../metrics/workflow-metrics';
import type { ClaimedExecution, ExecutionRepository, StepResult } from '../storage/execution-repository';
import { SPAN_ATTRIBUTES, SPAN_NAMES } from '../tracing/span-attributes';
import { markSpanFailed, traceExemplar, withSpan } from '../tracing/spans';
import type { WorkflowDefinition, WorkflowEdge, WorkflowNode } from '../workflow/workflow-definition';
import { topologicalOrder } from '../workflow/workflow-graph';
import { PermanentStepError } from './step-error';
import type { ConditionOutput } from './steps/condition-control';
import type { StepContext, StepHandler, StepHandlers } from './steps/step-handler';

export type RunResult =
  | { readonly kind: 'not-claimed' }
  | { readonly kind: 'finished'; readonly status: 'completed' | 'failed'; readonly error: string | null };

export interface WorkflowExecutorDeps {
  readonly executions: ExecutionRepository;
  readonly handlers: StepHandlers;
  readonly metrics: WorkflowMetrics | undefined;
  readonly logger: Logger;
  readonly scrub: SecretScrubber;
}

interface StepOutcome {
  readonly status: 'completed' | 'failed';
  readonly output: unknown;
  readonly error: string | null;
}

const MAX_BACKOFF_MS = 60_000;
const MAX_ERROR_LENGTH = 2000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

export class WorkflowExecutor {
  constructor(private readonly deps: WorkflowExecutorDeps) {}

  run(executionId: string, signal: AbortSignal = new AbortController().signal): Promise<RunResult> {
    return withSpan(SPAN_NAMES.workflow, { [SPAN_ATTRIBUTES.executionId]: executionId }, async (span) => {
      const execution = await this.deps.executions.claim(executionId, new Date());
      if (!execution) {
        span.setAttribute(SPAN_ATTRIBUTES.executionOutcome, 'not-claimed');
        this.deps.logger.info({ executionId }, 'execution already finished or unknown; delivery ignored');
        return { kind: 'not-claimed' } as const;
      }
      span.setAttributes({
        [SPAN_ATTRIBUTES.tenantId]: execution.tenantId,
        [SPAN_ATTRIBUTES.workflowId]: execution.workflowId,
        [SPAN_ATTRIBUTES.triggerType]: execution.triggerType,
      });
      this.deps.metrics?.executionStarted();
      try {
        const result = await this.runClaimed(execution, signal);
        if (result.kind === 'finished') {
          span.setAttribute(SPAN_ATTRIBUTES.executionOutcome, result.status);
          if (result.status === 'failed') markSpanFailed(span, new WorkflowFailure(result.error ?? 'failed'));
        }
        return result;
      } finally {
        this.deps.metrics?.executionEnded();
      }
    });
  }

  /**
   * Ends an execution that cannot be delivered again (its job exhausted its
   * attempts or stalled too often), so it never stays running forever.
   */
  async abandon(executionId: string, tenantId: string, reason: string): Promise<boolean> {
    const ended = await this.deps.executions.finishUnended(executionId, this.deps.scrub(reason), new Date());
    if (ended) this.recordWorkflow(tenantId, ended.workflowId, 'failed', ended.startedAtMs);
    return ended !== undefined;
  }

  private async runClaimed(execution: ClaimedExecution, signal: AbortSignal): Promise<RunResult> {
    const { definition } = execution;
    const nodes = new Map(definition.nodes.map((n) => [n.id, n]));
    const incoming = incomingEdges(definition);
    const previous = new Map<string, StepResult>(
      (await this.deps.executions.listSteps(execution.id)).map((step) => [step.nodeId, step]),
    );
    const outputs: Record<string, unknown> = {};
    const states = new Map<string, 'completed' | 'skipped'>();

    for (const nodeId of topologicalOrder(definition)) {
      const node = nodes.get(nodeId)!;
      const earlier = previous.get(nodeId);
      if (!isActive(node, incoming.get(nodeId) ?? [], states, outputs)) {
        states.set(nodeId, 'skipped');
        if (!earlier) await this.deps.executions.skipStep(execution.id, nodeId, node.type, new Date());
        continue;
      }
      if (earlier?.status === 'completed') {
        outputs[nodeId] = earlier.output;
        states.set(nodeId, 'completed');
        continue;
      }
      const outcome =
        earlier?.status === 'failed'
          ? { status: 'failed' as const, output: null, error: earlier.error }
          : await this.executeStep(execution, node, { input: execution.input, steps: outputs, signal });
      if (outcome.status === 'failed') {
        const error = `step "${node.id}" (${node.type}) failed: ${outcome.error ?? 'unknown error'}`;
        const result = await this.finish(execution, 'failed', error);
        // Grouped per workflow and failing step type, not one issue per execution.
        captureError(new WorkflowFailure(error), {
          tenant_id: execution.tenantId,
          workflow_id: execution.workflowId,
          execution_id: execution.id,
          step_type: node.type,
        });
        return result;
      }
      outputs[nodeId] = outcome.output;
      states.set(nodeId, 'completed');
    }
    return this.finish(execution, 'completed', null);
  }

  private async finish(execution: ClaimedExecution, status: 'completed' | 'failed', error: string | null): Promise<RunResult> {
    const ended = await this.deps.executions.finish(execution.id, status, error, new Date());
    const fields = { executionId: execution.id, workflowId: execution.workflowId, tenant: execution.tenantId, status };
    if (!ended) {
      // Another delivery (or the failed-job handler) ended the row first: its outcome stands, this one is not recorded.
      this.deps.logger.warn(fields, 'execution had already ended; this delivery\'s outcome was not recorded');
      return { kind: 'finished', status, error };
    }
    // Only the delivery that ended the execution counts it, so a race can never count it twice.
    this.recordWorkflow(execution.tenantId, execution.workflowId, status, execution.startedAtMs);
    this.deps.logger.info(fields, 'execution finished');
    return { kind: 'finished', status, error };
  }

  private recordWorkflow(tenantId: string, workflowId: string, status: 'completed' | 'failed', startedAtMs: number): void {
    // From the execution's first start, across redeliveries, to its end.
    const seconds = Math.max(0, (Date.now() - startedAtMs) / 1000);
    // Inside workflow.execute: a sampled run's trace id becomes the bucket's exemplar.
    this.deps.metrics?.recordExecution(tenantId, workflowId, status, seconds, traceExemplar());
  }

  /** Runs one step with its retries in a step.execute span, persisting its start, attempts and result, and records its metrics. */
  private executeStep(execution: ClaimedExecution, node: WorkflowNode, context: StepContext): Promise<StepOutcome> {
    const attributes = { [SPAN_ATTRIBUTES.stepId]: node.id, [SPAN_ATTRIBUTES.stepType]: node.type };
    return withSpan(SPAN_NAMES.step, attributes, async (span) => {
      const outcome = await this.executeStepAttempts(execution, node, context, (attempt, error, final) => {
        span.addEvent('step.attempt.failed', { [SPAN_ATTRIBUTES.stepAttempt]: attempt, 'error.message': error, final });
      });
      span.setAttributes({
        [SPAN_ATTRIBUTES.stepAttempt]: outcome.attempts,
        [SPAN_ATTRIBUTES.stepMaxAttempts]: node.retry?.maxAttempts ?? 1,
        [SPAN_ATTRIBUTES.stepOutcome]: outcome.status,
      });
      if (outcome.status === 'failed') {
        markSpanFailed(span, new StepFailure(outcome.error ?? 'failed'));
        if (outcome.attempts > 1) {
          captureError(
            new StepFailure(`step "${node.id}" (${node.type}) failed after ${outcome.attempts} attempts: ${outcome.error ?? 'unknown error'}`),
            { tenant_id: execution.tenantId, workflow_id: execution.workflowId, execution_id: execution.id, step_type: node.type },
            { fingerprint: ['step-retries-exhausted', execution.workflowId, node.type] },
          );
        }
      }
      return outcome;
    });
  }

  private async executeStepAttempts(
    execution: ClaimedExecution,
    node: WorkflowNode,
    context: StepContext,
    onAttemptFailed: (attempt: number, error: string, final: boolean) => void,
  ): Promise<StepOutcome & { readonly attempts: number }> {
    const { executions } = this.deps;
    const earlierAttempts = await executions.startStep(execution.id, node.id, node.type, new Date());
    const maxAttempts = node.retry?.maxAttempts ?? 1;
    const backoffMs = node.retry?.backoffMs ?? 0;
    const handler = this.deps.handlers[node.type] as StepHandler<WorkflowNode['type']>;
    const started = performance.now();
    let attempt = 0;
    let outcome: StepOutcome;
    for (;;) {
      attempt += 1;
      await executions.recordStepAttempt(execution.id, node.id, earlierAttempts + attempt);
      try {
        const output = await handler(node as never, context);
        outcome = { status: 'completed', output, error: null };
        break;
      } catch (error) {
        const message = this.deps.scrub((error as Error).message ?? String(error)).slice(0, MAX_ERROR_LENGTH);
        const final = error instanceof PermanentStepError || attempt >= maxAttempts || context.signal.aborted;
        onAttemptFailed(attempt, message, final);
        this.deps.logger.warn(
          { executionId: execution.id, nodeId: node.id, stepType: node.type, attempt, final, err: { message } },
          'step attempt failed',
        );
        if (final) {
          outcome = { status: 'failed', output: null, error: message };
          break;
        }
        await sleep(Math.min(backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS), context.signal);
      }
    }
    const durationMs = performance.now() - started;
    await executions.finishStep(
      execution.id,
      node.id,
      { ...outcome, attempts: earlierAttempts + attempt, durationMs },
      new Date(),
    );
    this.deps.metrics?.recordStep(execution.tenantId, execution.workflowId, node.type, outcome.status, durationMs / 1000);
    return { ...outcome, attempts: attempt };
  }
}

/** A workflow that ended failed (its message is already scrubbed). */
class WorkflowFailure extends Error {
  override readonly name = 'WorkflowFailure';
}

/** A step that failed for good. */
class StepFailure extends Error {
  override readonly name = 'StepFailure';
}

function incomingEdges(definition: WorkflowDefinition): Map<string, WorkflowEdge[]> {
  const incoming = new Map<string, WorkflowEdge[]>();
  for (const edge of definition.edges) {
    const list = incoming.get(edge.target) ?? [];
    list.push(edge);
    incoming.set(edge.target, list);
  }
  return incoming;
}

/**
 * A node runs when it is the trigger or when at least one incoming edge is
 * taken: its source completed and, for a condition, the edge's branch is the
 * condition's result. So a join after both branches of a condition runs once.
 */
function isActive(
  node: WorkflowNode,
  incoming: readonly WorkflowEdge[],
  states: ReadonlyMap<string, 'completed' | 'skipped'>,
  outputs: Readonly<Record<string, unknown>>,
): boolean {
  if (node.type === 'trigger:manual') return true;
  return incoming.some((edge) => {
    if (states.get(edge.source) !== 'completed') return false;
    if (edge.branch === undefined) return true;
    return String((outputs[edge.source] as ConditionOutput | undefined)?.result) === edge.branch;
  });
}
