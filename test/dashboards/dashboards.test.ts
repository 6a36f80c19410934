/**
 * The dashboards as reviewers see them (snapshots of the JSON that ships),
 * and the properties that must hold whatever the snapshot says: stable uids,
 * read-only, the datasource variable, deterministic ids and grid positions,
 * the overview's seed panels, alerts row and links, and alert thresholds
 * taken from lib/config/thresholds.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardJson, goraxDashboards, type DashboardModel } from '../../dashboards-src';
import { ENVIRONMENTS, mebibytes } from '../../lib/config/environments';
import { THRESHOLDS } from '../../lib/config/thresholds';
import { sharedLimits } from '../../dashboards-src/process-panels';
import { queryFacts } from '../../lib/promql/query-facts';
import { DASHBOARD_UIDS } from '../../lib/rules/rule-definition';
import { dashboardOutputPath, synthesize } from '../../lib/synth';

type Json = Record<string, any>;
const dashboards = goraxDashboards() as unknown as Json[];
const byUid = (uid: string): Json => dashboards.find((d) => d.uid === uid)!;
const panel = (uid: string, title: string): Json => {
  const found = (byUid(uid).panels as Json[]).find((p) => p.title === title);
  if (!found) throw new Error(`${uid} has no panel "${title}"`);
  return found;
};
const stepValues = (p: Json): (number | null)[] => p.fieldConfig.defaults.thresholds.steps.map((s: Json) => s.value);
const stepColors = (p: Json): string[] => p.fieldConfig.defaults.thresholds.steps.map((s: Json) => s.color);

describe('Gorax dashboards', () => {
  it('are the four contract uids, overview first, as plain JSON data', () => {
    expect(dashboards.map((d) => d.uid)).toEqual([...DASHBOARD_UIDS]);
    for (const d of dashboards) expect(JSON.parse(JSON.stringify(d))).toStrictEqual(d);
  });

  it.each(DASHBOARD_UIDS)('%s matches its snapshot', (uid) => {
    expect(dashboardJson(byUid(uid) as unknown as DashboardModel)).toMatchSnapshot();
  });

  it.each(DASHBOARD_UIDS)('%s is read-only, titled, tagged and has the datasource variable first', (uid) => {
    const d = byUid(uid);
    expect(d).toMatchObject({ uid, editable: false, tags: ['gorax'] });
    expect(d.title).toMatch(/^Gorax \/ /);
    expect(d.templating.list[0]).toMatchObject({ type: 'datasource', name: 'datasource', label: 'Data source', query: 'prometheus' });
  });

  it.each(DASHBOARD_UIDS)('%s has ids 1..n in reading order and a grid without overlaps', (uid) => {
    const panels = byUid(uid).panels as Json[];
    expect(panels.map((p) => p.id)).toEqual(panels.map((_, i) => i + 1));
    const cells = new Set<string>();
    for (const p of panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      if (p.type === 'row') expect({ x, w, h }).toEqual({ x: 0, w: 24, h: 1 });
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const cell = `${i},${j}`;
          if (cells.has(cell)) throw new Error(`${uid}: panel "${p.title}" overlaps another at ${cell}`);
          cells.add(cell);
        }
      }
    }
    // Reading order: top to bottom, left to right.
    const order = panels.map((p) => p.gridPos.y * 24 + p.gridPos.x);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('re-synthesizes byte-identically to dist/dashboards/<uid>.json', () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), 'gorax-synth-a-')), mkdtempSync(join(tmpdir(), 'gorax-synth-b-'))];
    try {
      const written = synthesize(a);
      synthesize(b);
      for (const uid of DASHBOARD_UIDS) {
        const path = dashboardOutputPath(uid);
        expect(path).toBe(`dashboards/${uid}.json`);
        expect(written).toContain(join(a, path));
        const first = readFileSync(join(a, path));
        expect(first.equals(readFileSync(join(b, path)))).toBe(true);
        expect(JSON.parse(first.toString('utf8'))).toStrictEqual(byUid(uid));
      }
    } finally {
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  describe('the overview', () => {
    const overview = byUid('gorax-overview');

    it("keeps the seed dashboard's seven panels", () => {
      const titles = (overview.panels as Json[]).map((p) => p.title);
      expect(titles).toEqual(
        expect.arrayContaining([
          'Workflow Execution Rate by status',
          'Workflow Success Rate',
          'Active Workers',
          'HTTP Request Rate by status',
          'Queue Depth',
          'Workflow Duration p50/p95/p99',
          'Top Workflows by execution count',
        ]),
      );
      const duration = panel('gorax-overview', 'Workflow Duration p50/p95/p99');
      expect(duration.targets.map((t: Json) => t.legendFormat)).toEqual(['p50', 'p95', 'p99']);
    });

    it('opens with a row of firing alerts read from ALERTS', () => {
      const panels = overview.panels as Json[];
      expect(panels[0]).toMatchObject({ type: 'row', title: 'Firing alerts' });
      const nextRow = panels.findIndex((p, i) => i > 0 && p.type === 'row');
      const alertPanels = panels.slice(1, nextRow);
      const alertSelectors = alertPanels
        .flatMap((p) => p.targets as Json[])
        .flatMap((t) => queryFacts(t.expr).selectors)
        .filter((s) => s.metric === 'ALERTS');
      expect(alertSelectors.length).toBeGreaterThanOrEqual(2);
      for (const s of alertSelectors) expect(s.matchers).toContainEqual(expect.objectContaining({ label: 'alertstate', op: '=', value: 'firing' }));
      expect(alertPanels.map((p) => p.type)).toContain('table');
    });

    it('links to the three other dashboards, keeping time and variables', () => {
      expect(overview.links.map((l: Json) => l.url)).toEqual(['/d/gorax-workflows', '/d/gorax-api', '/d/gorax-workers']);
      for (const link of overview.links) {
        expect(link).toMatchObject({ type: 'link', keepTime: true, includeVars: true });
        // Shown in the top bar, not hidden in Grafana 12's controls menu.
        expect(link).not.toHaveProperty('placement');
      }
    });
  });

  describe('thresholds are the alerts’ numbers from THRESHOLDS', () => {
    const { workflowFailureRatio, workflowDurationP95Seconds, queueDepth, workerSlots, httpErrorRatio, httpLatencyP95Seconds, memoryUsageRatio, stepFailureRatio, httpActionFailuresPerSecond } =
      THRESHOLDS;
    const round = (x: number) => Math.round(x * 1e9) / 1e9;

    it.each<[string, string, (number | null)[], string[]]>([
      ['gorax-overview', 'Workflow Success Rate', [null, round(1 - workflowFailureRatio.critical), round(1 - workflowFailureRatio.warning)], ['red', 'orange', 'green']],
      ['gorax-overview', 'Workflow Duration p50/p95/p99', [null, workflowDurationP95Seconds.warning], ['green', 'orange']],
      ['gorax-overview', 'Active Workers', [null, 1, workerSlots.warning], ['red', 'orange', 'green']],
      ['gorax-overview', 'Queue Depth', [null, queueDepth.warning, queueDepth.critical], ['green', 'orange', 'red']],
      ['gorax-workflows', 'Workflow failure ratio (alert signal)', [null, workflowFailureRatio.warning, workflowFailureRatio.critical], ['green', 'orange', 'red']],
      ['gorax-workflows', 'Workflow duration p95 (alert signal)', [null, workflowDurationP95Seconds.warning], ['green', 'orange']],
      ['gorax-workflows', 'Step failure ratio by step type (alert signal)', [null, stepFailureRatio.warning], ['green', 'orange']],
      ['gorax-workflows', 'Failed action:http steps (alert signal)', [null, httpActionFailuresPerSecond.warning], ['green', 'orange']],
      ['gorax-api', 'API 5xx ratio (alert signal)', [null, httpErrorRatio.critical], ['green', 'red']],
      ['gorax-api', 'API latency p95 (alert signal)', [null, httpLatencyP95Seconds.warning], ['green', 'orange']],
      ['gorax-api', 'API memory / limit', [null, memoryUsageRatio.warning, 1], ['green', 'orange', 'red']],
      ['gorax-workers', 'Queue depth', [null, queueDepth.warning, queueDepth.critical], ['green', 'orange', 'red']],
      ['gorax-workers', 'Live worker slots', [null, 1, workerSlots.warning], ['red', 'orange', 'green']],
      ['gorax-workers', 'Worker memory / limit', [null, memoryUsageRatio.warning, 1], ['green', 'orange', 'red']],
    ])('%s "%s"', (uid, title, values, colors) => {
      const p = panel(uid, title);
      expect(stepValues(p)).toEqual(values);
      expect(stepColors(p)).toEqual(colors);
      // Grafana draws thresholds on a time series only with an explicit style.
      if (p.type === 'timeseries') expect(p.fieldConfig.defaults.custom.thresholdsStyle.mode).not.toBe('off');
    });

    it('memory panels divide by the container memory limit every environment deploys', () => {
      for (const [uid, title, workload, job] of [
        ['gorax-api', 'API memory / limit', 'api', 'gorax-api'],
        ['gorax-workers', 'Worker memory / limit', 'worker', 'gorax-worker'],
      ] as const) {
        const limits = new Set(Object.values(ENVIRONMENTS).map((e) => e[workload].limits.memoryMiB));
        expect(limits.size).toBe(1);
        expect(panel(uid, title).targets[0].expr).toBe(`process_resident_memory_bytes{job="${job}"} / ${mebibytes([...limits][0]!)}`);
      }
    });

    it('refuses to draw one memory limit when environments deploy different ones, saying what to change', () => {
      const base = ENVIRONMENTS.production;
      const withApiLimits = (name: 'dev' | 'staging', memoryMiB: number) => ({
        ...base,
        name,
        api: { ...base.api, limits: { cpuMillis: 500, memoryMiB } },
      });
      expect(() => sharedLimits('api', [withApiLimits('dev', 512), withApiLimits('staging', 1024)])).toThrow(
        'dashboards: api limits differ between environments (dev: 500m CPU, 512MiB; staging: 500m CPU, 1024MiB); the dashboards draw one limit per workload, so give every environment the same api.limits',
      );
      expect(sharedLimits('api', [withApiLimits('dev', 768), withApiLimits('staging', 768)])).toEqual({ cpuMillis: 500, memoryMiB: 768 });
    });
  });
});
