/**
 * The shared builders refuse what would make a bad dashboard, saying what to change.
 */
import { buildDashboard } from '../../dashboards-src/layout';
import { stat, timeseries, type TimeseriesSpec } from '../../dashboards-src/panels';
import { alertAbove, alertBelow, complement } from '../../dashboards-src/thresholds';
import { labelValuesQuery } from '../../dashboards-src/variables';
import { queueDepth, workflowExecutionsTotal } from '../../lib/catalog/metrics';

const spec: TimeseriesSpec = {
  title: 'Queue',
  description: 'Jobs waiting.',
  unit: 'short',
  queries: [{ expr: 'gorax_queue_depth' }],
  width: 12,
  height: 8,
};

describe('panel builders', () => {
  it.each<[string, Partial<TimeseriesSpec>, string]>([
    ['no description', { description: ' ' }, 'panel "Queue": give it a description'],
    ['no unit', { unit: '' }, 'panel "Queue": give it a unit'],
    ['no query', { queries: [] }, 'panel "Queue": give it at least one query'],
    ['too wide', { width: 25 }, 'panel "Queue": width 25 must be a whole number from 1 to 24'],
    ['no height', { height: 0 }, 'panel "Queue": height 0 must be a whole number of at least 1'],
  ])('refuses a panel with %s', (_what, change, message) => {
    expect(() => timeseries({ ...spec, ...change })).toThrow(message);
  });

  it('puts the datasource variable on the panel and on every query, with refIds in order', () => {
    const panel = timeseries({ ...spec, queries: [{ expr: 'a' }, { expr: 'b', legend: '{{queue}}' }] }).place(7, { x: 0, y: 1, w: 12, h: 8 }).build() as any;
    expect(panel).toMatchObject({ id: 7, gridPos: { x: 0, y: 1, w: 12, h: 8 }, datasource: { uid: '${datasource}' } });
    expect(panel.targets.map((t: any) => [t.refId, t.datasource.uid, t.expr, t.legendFormat])).toEqual([
      ['A', '${datasource}', 'a', undefined],
      ['B', '${datasource}', 'b', '{{queue}}'],
    ]);
  });
});

describe('layout', () => {
  it('refuses a title that is not the registered one, duplicate panel titles and empty rows', () => {
    const rows = [{ title: 'r', panels: [timeseries(spec)] }];
    expect(() => buildDashboard({ uid: 'gorax-api', title: 'API', description: 'd', rows })).toThrow(
      'dashboard gorax-api: title "API" differs from DASHBOARD_TITLES ("Gorax / API")',
    );
    expect(() =>
      buildDashboard({ uid: 'gorax-api', title: 'Gorax / API', description: 'd', rows: [{ title: 'r', panels: [timeseries(spec), stat(spec)] }] }),
    ).toThrow('dashboard gorax-api: two panels are titled "Queue"; titles must be unique');
    expect(() => buildDashboard({ uid: 'gorax-api', title: 'Gorax / API', description: 'd', rows: [{ title: 'empty', panels: [] }] })).toThrow(
      'dashboard gorax-api: row "empty" has no panels',
    );
  });

  it('wraps a panel that no longer fits onto the next line', () => {
    const panels = [12, 8, 8].map((width, i) => timeseries({ ...spec, title: `p${i}`, width, height: 4 + i }));
    const model = buildDashboard({ uid: 'gorax-api', title: 'Gorax / API', description: 'd', rows: [{ title: 'r', panels }] }) as any;
    expect(model.panels.map((p: any) => [p.id, p.gridPos])).toEqual([
      [1, { x: 0, y: 0, w: 24, h: 1 }],
      [2, { x: 0, y: 1, w: 12, h: 4 }],
      [3, { x: 12, y: 1, w: 8, h: 5 }],
      [4, { x: 0, y: 6, w: 8, h: 6 }],
    ]);
  });
});

describe('threshold steps', () => {
  it('colours "higher is worse" and "lower is worse" panels, and complements ratios', () => {
    expect(alertAbove({ warning: 0.1, critical: 0.25 }, 'x')).toEqual([
      { value: null, color: 'green' },
      { value: 0.1, color: 'orange' },
      { value: 0.25, color: 'red' },
    ]);
    expect(alertBelow({ critical: 1, warning: 3 }, 'x')).toEqual([
      { value: null, color: 'red' },
      { value: 1, color: 'orange' },
      { value: 3, color: 'green' },
    ]);
    expect(alertBelow({ warning: 3 }, 'x')).toEqual([
      { value: null, color: 'orange' },
      { value: 3, color: 'green' },
    ]);
    expect(complement({ warning: 0.1, critical: 0.25 })).toEqual({ warning: 0.9, critical: 0.75 });
  });

  it('refuses levels in the wrong order or none at all', () => {
    expect(() => alertAbove({ warning: 5, critical: 1 }, 'queue depth')).toThrow('thresholds for queue depth: levels must be strictly ordered (got 5, 1)');
    expect(() => alertAbove({}, 'queue depth')).toThrow('thresholds for queue depth: give a warning or a critical level');
  });
});

describe('variable queries', () => {
  it('builds label_values over a catalog metric and refuses an undeclared label at run time', () => {
    expect(labelValuesQuery(queueDepth, 'queue')).toBe('label_values(gorax_queue_depth, queue)');
    // @ts-expect-error tenant is not a label of gorax_workflow_executions_total
    expect(() => labelValuesQuery(workflowExecutionsTotal, 'tenant')).toThrow(
      'label_values: "tenant" is not a label of gorax_workflow_executions_total; its labels are tenant_id, workflow_id, status',
    );
  });
});
