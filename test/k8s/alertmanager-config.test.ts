/**
 * alertmanager.yml: checked by amtool 0.25, routes tested per kind of alert
 * with `amtool config routes test`, inhibitions configured as intended, and
 * no secret ever inline.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { JOBS } from '../../lib/catalog/target-labels';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { RECEIVER_SECRET_DIR } from '../../lib/k8s/alertmanager';
import { alertmanagerConfig, INHIBITIONS, RECEIVERS, renderAlertmanagerConfig, type AlertmanagerConfig } from '../../lib/k8s/alertmanager-config';
import { KUBERNETES_OUTPUT_PATHS, kubernetesOutputs } from '../../lib/k8s/manifests';
import { productionRulesYaml } from '../../lib/synth';
import { runTool } from '../support/run-tool';
import { deploymentTemplate, find } from './support/synthesized';

const distYml = kubernetesOutputs().get(KUBERNETES_OUTPUT_PATHS.alertmanager)!;
const config = parse(distYml) as AlertmanagerConfig;

/** Every alert of the rules, with its labels as Prometheus sends them. */
const rules = parse(productionRulesYaml()) as { groups: { rules: { alert?: string; labels?: Record<string, string> }[] }[] };
const alerts = rules.groups.flatMap((g) => g.rules.filter((r) => r.alert)).map((r) => ({ name: r.alert!, severity: r.labels!.severity! }));

let dir: string;
let configFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gorax-alertmanager-'));
  configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, distYml);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function routeOf(labels: Record<string, string>): string {
  const { status, output } = runTool('amtool', ['config', 'routes', 'test', `--config.file=${configFile}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
  if (status !== 0) throw new Error(`amtool config routes test failed:\n${output}`);
  return output.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Warning:')).join(',');
}

describe('dist/alertmanager/alertmanager.yml', () => {
  it("is production's Alertmanager ConfigMap, byte for byte", () => {
    expect((find('production', 'ConfigMap', 'alertmanager-config').data as Record<string, string>)['alertmanager.yml']).toBe(distYml);
  });

  it('passes amtool check-config', () => {
    const { status, output } = runTool('amtool', ['check-config', configFile]);
    expect(output).toContain('SUCCESS');
    expect(output).toContain(`${INHIBITIONS.length} inhibit rules`);
    expect(status).toBe(0);
  });

  it('reads every receiver secret from a file in the mounted Secret, never inline', () => {
    const receivers = JSON.stringify(config.receivers);
    expect(receivers).not.toMatch(/"(routing_key|service_key|api_url|api_key|credentials|password)"/);
    const files = [...receivers.matchAll(/"\w+_file":"([^"]+)"/g)].map((m) => m[1]);
    expect(files).toHaveLength(3);
    for (const file of files) expect(file!.startsWith(`${RECEIVER_SECRET_DIR}/`)).toBe(true);
    const volume = deploymentTemplate('production', 'alertmanager').spec.volumes!.find((v) => v.name === 'receivers') as unknown as { secret: { secretName: string } };
    expect(volume.secret.secretName).toBe('alertmanager-receivers');
    const mount = deploymentTemplate('production', 'alertmanager').spec.containers[0]!.volumeMounts!.find((m) => m.name === 'receivers');
    expect(mount).toEqual({ name: 'receivers', mountPath: RECEIVER_SECRET_DIR, readOnly: true });
  });
});

describe('routing (amtool config routes test)', () => {
  const expected: Record<string, string> = { critical: RECEIVERS.paging, warning: RECEIVERS.chat, info: RECEIVERS.none };

  it.each(alerts.filter((a) => a.name !== 'Watchdog').map((a) => [a.name, a.severity] as const))('%s (%s) reaches its severity’s receiver', (name, severity) => {
    expect(routeOf({ alertname: name, severity, job: JOBS.worker })).toBe(expected[severity]);
  });

  it('sends Watchdog to the heartbeat receiver only', () => {
    expect(routeOf({ alertname: 'Watchdog', severity: 'info' })).toBe(RECEIVERS.heartbeat);
  });

  it('sends info to nowhere and an alert without a known severity to chat rather than dropping it', () => {
    expect(routeOf({ alertname: 'SomethingInformative', severity: 'info' })).toBe(RECEIVERS.none);
    expect(routeOf({ alertname: 'Unlabelled' })).toBe(RECEIVERS.chat);
  });

  it('groups per alert and job, waits before the first notification and repeats hours apart', () => {
    expect(config.route.group_by).toEqual(['alertname', 'job', 'queue']);
    expect(config.route.group_wait).toBe('30s');
    const paging = config.route.routes!.find((r) => r.receiver === RECEIVERS.paging)!;
    expect(paging.repeat_interval).toBe('4h');
    expect(config.route.repeat_interval).toBe('12h');
  });
});

describe('inhibitions', () => {
  const rule = (source: string) => INHIBITIONS.filter((r) => r.source_matchers.some((m) => m.includes(`"${source}"`)));

  it('are the ones written to the file', () => {
    expect(config.inhibit_rules).toEqual(INHIBITIONS);
  });

  it.each([
    ['CriticalWorkflowFailureRate', 'HighWorkflowFailureRate', ['job']],
    ['QueueBacklogCritical', 'QueueBacklog', ['queue']],
    ['NoActiveWorkers', 'LowWorkerCount', undefined],
  ] as const)('%s inhibits %s', (source, target, equal) => {
    const [r] = rule(source);
    expect(r!.target_matchers).toEqual([`alertname="${target}"`]);
    expect(r!.equal).toEqual(equal);
  });

  it('compare only labels that both sides of a pair carry', () => {
    // Labels each alert keeps, from the expressions' aggregations: `job` for the
    // per-job ratios, `queue` for the backlog, nothing for the fleet-wide worker alerts.
    const carries: Record<string, readonly string[]> = {
      CriticalWorkflowFailureRate: ['job'], HighWorkflowFailureRate: ['job'],
      QueueBacklogCritical: ['queue'], QueueBacklog: ['queue'], NoActiveWorkers: [], LowWorkerCount: [], WorkflowExecutionStalled: [],
      GoraxJobAbsent: ['job'], GoraxTargetDown: ['job'],
    };
    for (const r of INHIBITIONS) {
      const names = (ms: readonly string[]) => ms.filter((m) => m.startsWith('alertname')).flatMap((m) => m.replace(/^alertname=~?"|"$/g, '').split('|'));
      for (const label of r.equal ?? []) {
        for (const name of [...names(r.source_matchers), ...names(r.target_matchers)]) expect([name, carries[name]!.includes(label)]).toEqual([name, true]);
      }
    }
  });

  it('let a missing worker job silence the fleet-wide alerts it causes, by naming the job (they carry none)', () => {
    const [absent] = rule('GoraxJobAbsent');
    expect(absent!.source_matchers).toEqual(['alertname="GoraxJobAbsent"', `job="${JOBS.worker}"`]);
    expect(absent!.target_matchers).toEqual(['alertname=~"NoActiveWorkers|LowWorkerCount|WorkflowExecutionStalled"']);
    expect(absent!.equal).toBeUndefined();
    const [down] = rule('GoraxTargetDown');
    expect(down!.target_matchers).toEqual(['alertname="LowWorkerCount"']);
  });

  it('never let a warning inhibit a critical alert', () => {
    const severity = Object.fromEntries(alerts.map((a) => [a.name, a.severity]));
    const rank = { info: 0, warning: 1, critical: 2 } as Record<string, number>;
    for (const r of INHIBITIONS) {
      const names = (ms: readonly string[]) => ms.filter((m) => m.startsWith('alertname')).flatMap((m) => m.replace(/^alertname=~?"|"$/g, '').split('|'));
      for (const source of names(r.source_matchers)) {
        for (const target of names(r.target_matchers)) {
          expect(severity[target]).toBeDefined();
          expect([source, target, rank[severity[source]!]! >= rank[severity[target]!]!]).toEqual([source, target, true]);
        }
      }
    }
  });
});

describe('the generator', () => {
  const endpoints = {
    paging: { routingKeyFile: '/run/secrets/pd', url: 'http://127.0.0.1:9/pd' },
    chat: { apiUrlFile: '/run/secrets/slack', channel: '#c' },
    heartbeat: { url: 'http://127.0.0.1:9/hb', credentialsFile: '/run/secrets/hb' },
  };

  it('takes loopback endpoints and file paths, for a local stack, and amtool accepts the result', () => {
    const file = join(dir, 'loopback.yml');
    writeFileSync(file, renderAlertmanagerConfig(alertmanagerConfig(endpoints)));
    const { status, output } = runTool('amtool', ['check-config', file]);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
    expect(parse(renderAlertmanagerConfig(alertmanagerConfig(endpoints))).receivers[0].pagerduty_configs[0].url).toBe('http://127.0.0.1:9/pd');
  });

  it.each([
    [{ paging: { routingKeyFile: 'relative/key' } }, 'paging.routingKeyFile "relative/key" must be an absolute file path'],
    [{ heartbeat: { url: 'ftp://x', credentialsFile: '/a' } }, 'heartbeat.url "ftp://x" must be an http(s) URL'],
  ] as const)('rejects %j saying what to change', (change, message) => {
    expect(() => alertmanagerConfig({ ...endpoints, ...change } as Parameters<typeof alertmanagerConfig>[0])).toThrow(message);
  });

  it('routes each environment’s warnings to its own channel', () => {
    for (const env of ['dev', 'staging', 'production'] as const) {
      const yml = (find(env, 'ConfigMap', 'alertmanager-config').data as Record<string, string>)['alertmanager.yml']!;
      expect(parse(yml).receivers.find((r: { name: string }) => r.name === RECEIVERS.chat).slack_configs[0].channel).toBe(ENVIRONMENTS[env].alerting.chatChannel);
    }
  });
});
