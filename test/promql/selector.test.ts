import { httpRequestsTotal, workflowExecutionDurationSeconds, workflowExecutionsTotal, activeWorkers } from '../../lib/catalog/metrics';
import { buckets, matching, noneOf, not, observationCount, oneOf, select, variable } from '../../lib/promql/selector';

describe('typed PromQL selectors', () => {
  it('renders declared labels and values', () => {
    expect(select(workflowExecutionsTotal, { status: 'failed', job: 'gorax-worker' })).toBe(
      'gorax_workflow_executions_total{status="failed", job="gorax-worker"}',
    );
    expect(select(activeWorkers)).toBe('gorax_active_workers');
    expect(select(workflowExecutionsTotal, { status: oneOf('completed', 'failed') })).toBe(
      'gorax_workflow_executions_total{status=~"completed|failed"}',
    );
    expect(select(workflowExecutionsTotal, { status: not('failed') })).toBe('gorax_workflow_executions_total{status!="failed"}');
    expect(select(workflowExecutionsTotal, { status: noneOf('failed') })).toBe('gorax_workflow_executions_total{status!~"failed"}');
  });

  it('renders histogram series with le and open-label patterns and variables', () => {
    expect(buckets(workflowExecutionDurationSeconds, { tenant_id: variable('tenant'), le: '+Inf' })).toBe(
      'gorax_workflow_execution_duration_seconds_bucket{tenant_id=~"$tenant", le="+Inf"}',
    );
    expect(observationCount(workflowExecutionDurationSeconds)).toBe('gorax_workflow_execution_duration_seconds_count');
    expect(select(httpRequestsTotal, { status: matching('5..') })).toBe('gorax_http_requests_total{status=~"5.."}');
  });

  it('escapes quotes and regex characters so values match literally', () => {
    expect(select(httpRequestsTotal, { path: oneOf('/a.b', '/c') })).toBe('gorax_http_requests_total{path=~"/a\\\\.b|/c"}');
  });

  // The next lines do not compile (tsc runs on the tests before Jest); at run time they throw.
  it('rejects an undeclared value of a closed label, naming it and the accepted values', () => {
    // @ts-expect-error "success" is not a declared status
    expect(() => select(workflowExecutionsTotal, { status: 'success' })).toThrow(
      'gorax_workflow_executions_total{status="success"}: "success" is not a declared value of label "status"; accepted values: "completed", "failed"',
    );
    // @ts-expect-error "http" is not an executor node type
    expect(() => select(workflowExecutionsTotal, { status: oneOf('completed', 'http') })).toThrow('"http" is not a declared value');
  });

  it('rejects a label the metric does not have', () => {
    // @ts-expect-error workflow executions have no step_type
    expect(() => select(workflowExecutionsTotal, { step_type: 'action:http' })).toThrow(
      '"step_type" is not a label of gorax_workflow_executions_total',
    );
  });

  it('rejects a pattern on a closed label and a malformed open value', () => {
    // @ts-expect-error closed labels take oneOf()/noneOf(), not patterns
    expect(() => select(workflowExecutionsTotal, { status: matching('fail.*') })).toThrow('label "status" is closed');
    expect(() => select(httpRequestsTotal, { status: 'OK' })).toThrow('"OK" does not have the shape of label "status"');
  });

  it('does not let a histogram be selected as a plain series', () => {
    // @ts-expect-error histograms are selected through buckets(), observationCount() or observationSum()
    select(workflowExecutionDurationSeconds);
  });

  it('rejects an unknown job', () => {
    // @ts-expect-error there is no such scrape job
    expect(() => select(activeWorkers, { job: 'worker' })).toThrow('"worker" is not a declared value of label "job"');
  });
});
