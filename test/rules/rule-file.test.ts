import { parse } from 'yaml';
import { goraxRuleGroups } from '../../alerts-src';
import { environmentConfig, ENVIRONMENTS } from '../../lib/config/environments';
import { buildRuleFile, durationSeconds, formatDuration, renderRuleFile } from '../../lib/rules/rule-file';
import { productionRulesYaml } from '../../lib/synth';

const production = environmentConfig('production');

describe('rule file', () => {
  it('matches the reviewed snapshot (production)', () => {
    expect(productionRulesYaml()).toMatchSnapshot();
  });

  it('has all fifteen alerts of the contract plus the pipeline alerts', () => {
    const file = buildRuleFile(goraxRuleGroups(production), production);
    const alerts = file.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
    expect(alerts.sort()).toEqual(
      [
        'HighWorkflowFailureRate', 'CriticalWorkflowFailureRate', 'SlowWorkflowExecutions', 'WorkflowExecutionStalled',
        'QueueBacklog', 'QueueBacklogCritical', 'NoActiveWorkers', 'LowWorkerCount', 'HighHTTPErrorRate', 'HighHTTPLatency',
        'DatabaseConnectionFailure', 'RedisConnectionFailure', 'HighMemoryUsage', 'HighStepFailureRate', 'HTTPActionFailures',
        'GoraxTargetDown', 'GoraxJobAbsent', 'Watchdog',
        // Beyond the contract (issue 8): the metrics cardinality guard.
        'MetricsCardinalityOverflow',
      ].sort(),
    );
  });

  it('takes the memory limits from the environment the workloads are deployed with', () => {
    const dev = { ...ENVIRONMENTS.dev, api: { ...ENVIRONMENTS.dev.api, limits: { cpuMillis: 500, memoryMiB: 300 } } };
    const yaml = renderRuleFile(buildRuleFile(goraxRuleGroups(dev), dev));
    expect(yaml).toContain(`process_resident_memory_bytes{job="gorax-api"} / ${300 * 1024 * 1024}`);
    expect(productionRulesYaml()).toContain(`process_resident_memory_bytes{job="gorax-api"} / ${512 * 1024 * 1024}`);
    expect(productionRulesYaml()).toContain(`process_resident_memory_bytes{job="gorax-worker"} / ${1024 * 1024 * 1024}`);
  });

  it('scales only `for` and the evaluation interval when asked, never expressions', () => {
    const shipped = buildRuleFile(goraxRuleGroups(production), production);
    const fast = buildRuleFile(goraxRuleGroups(production), production, { timeScale: 0.1 });
    fast.groups.forEach((group, g) => {
      expect(group.interval).toBe('1500ms');
      group.rules.forEach((rule, r) => {
        const original = shipped.groups[g]!.rules[r]!;
        expect(rule.expr).toBe(original.expr);
        expect(rule.annotations).toEqual(original.annotations);
        if (original.for) expect(durationSeconds(rule.for!)).toBeCloseTo(durationSeconds(original.for) * 0.1, 3);
      });
    });
    expect(shipped.groups.every((g) => g.interval === undefined)).toBe(true);
    expect(() => buildRuleFile(goraxRuleGroups(production), production, { timeScale: 2 })).toThrow('timeScale 2 must be in (0, 1]');
  });

  it('refuses two rules of one name', () => {
    const groups = goraxRuleGroups(production);
    expect(() => buildRuleFile([...groups, groups[0]!], production)).toThrow('"job_status:gorax_workflow_executions:rate5m" is defined twice');
  });

  it('gives every alert a severity, summary, description and runbook_url', () => {
    const file = parse(productionRulesYaml()) as { groups: { rules: Record<string, any>[] }[] };
    for (const rule of file.groups.flatMap((g) => g.rules).filter((r) => r['alert'])) {
      expect(Object.keys(rule['annotations']).sort()).toEqual(
        rule['alert'] === 'Watchdog'
          ? ['description', 'runbook_url', 'summary']
          : ['dashboard_url', 'description', 'runbook_url', 'summary'],
      );
      expect(rule['labels']).toHaveProperty('severity');
    }
  });

  it('formats and parses durations', () => {
    expect(formatDuration(300)).toBe('5m');
    expect(formatDuration(7200)).toBe('2h');
    expect(formatDuration(90)).toBe('90s');
    expect(formatDuration(1.5)).toBe('1500ms');
    expect(() => durationSeconds('5 minutes')).toThrow('"5 minutes" is not a duration');
  });
});
