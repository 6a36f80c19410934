/**
 * HTTP request metrics for the API. Series are cached per method, then
 * route, then status code: recording a request is three map lookups with the
 * values Fastify already holds and two increments; no label object or key
 * string is built per request.
 */
import type { Registry } from 'prom-client';
import { UNMATCHED_ROUTE } from '../../catalog/labels';
import { httpRequestDurationSeconds, httpRequestsTotal } from '../../catalog/metrics';
import { registerCatalogMetric } from './catalog-registry';
import { assertLabelValues, labelValueAllowed } from './label-values';

interface Observer {
  observe(value: number, exemplar?: Readonly<Record<string, string>>): void;
}
interface Incrementer {
  inc(value?: number): void;
}

interface RequestSeries {
  readonly count: Incrementer;
  readonly duration: Observer;
}

export class HttpMetrics {
  private readonly requests;
  private readonly durations;
  private readonly series = new Map<string, Map<string, Map<number, RequestSeries>>>();
  private readonly durationChildren = new Map<string, Observer>();

  constructor(registry: Registry) {
    this.requests = registerCatalogMetric(httpRequestsTotal, registry);
    this.durations = registerCatalogMetric(httpRequestDurationSeconds, registry);
  }

  /**
   * Records one answered request. `routeTemplate` is the matched route
   * (request.routeOptions.url), undefined when nothing matched. Returns false
   * when the method is outside the catalog's set and nothing was recorded.
   * `exemplar` (e.g. { trace_id }) is kept on the duration bucket (OpenMetrics).
   */
  record(
    method: string,
    routeTemplate: string | undefined,
    statusCode: number,
    seconds: number,
    exemplar?: Readonly<Record<string, string>>,
  ): boolean {
    const path = routeTemplate ?? UNMATCHED_ROUTE;
    let series = this.series.get(method)?.get(path)?.get(statusCode);
    if (series === undefined) {
      const created = this.createSeries(method, path, statusCode);
      if (created === undefined) return false;
      series = created;
      let byPath = this.series.get(method);
      if (byPath === undefined) this.series.set(method, (byPath = new Map()));
      let byStatus = byPath.get(path);
      if (byStatus === undefined) byPath.set(path, (byStatus = new Map()));
      byStatus.set(statusCode, series);
    }
    series.count.inc();
    series.duration.observe(seconds, exemplar);
    return true;
  }

  private createSeries(method: string, path: string, statusCode: number): RequestSeries | undefined {
    const status = String(statusCode);
    if (!labelValueAllowed(httpRequestsTotal.labels.method, method)) return undefined;
    // A route template that does not fit the catalog is recorded as unmatched rather than invented.
    const safePath = labelValueAllowed(httpRequestsTotal.labels.path, path) ? path : UNMATCHED_ROUTE;
    assertLabelValues(httpRequestsTotal, { method, path: safePath, status });
    const durationKey = `${method} ${safePath}`;
    let duration = this.durationChildren.get(durationKey);
    if (duration === undefined) {
      duration = this.durations.labels({ method, path: safePath });
      this.durationChildren.set(durationKey, duration);
    }
    return { count: this.requests.labels({ method, path: safePath, status }), duration };
  }
}
