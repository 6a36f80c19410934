/** Small clients for the HTTP APIs of the Prometheus and Alertmanager under test. */

export interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export interface QueryAnswer {
  readonly status: 'success' | 'error';
  readonly resultType?: string;
  readonly result: unknown[];
  readonly error?: string;
}

export function prometheusApi(url: string) {
  const get = async (path: string, params: Record<string, string | string[]>): Promise<any> => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) search.append(key, v);
    const response = await fetch(`${url}${path}?${search}`);
    return response.json();
  };
  return {
    /** An instant query (at `time`, seconds since the epoch, default now); the answer as Prometheus gave it, errors included. */
    query: async (expr: string, time?: number): Promise<QueryAnswer> => {
      const body = await get('/api/v1/query', { query: expr, ...(time === undefined ? {} : { time: String(time) }) });
      return { status: body.status, resultType: body.data?.resultType, result: body.data?.result ?? [], error: body.error };
    },
    /** An instant query that must succeed, as a vector. */
    vector: async (expr: string): Promise<VectorSample[]> => {
      const body = await get('/api/v1/query', { query: expr });
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data.result as VectorSample[];
    },
    /** Label sets of every series matching the selector. */
    series: async (match: string): Promise<Record<string, string>[]> => {
      const body = await get('/api/v1/series', { 'match[]': match });
      if (body.status !== 'success') throw new Error(`series ${match} failed: ${body.error}`);
      return body.data as Record<string, string>[];
    },
  };
}
export type PrometheusApi = ReturnType<typeof prometheusApi>;

export interface AlertmanagerAlert {
  readonly labels: Record<string, string>;
  readonly status: { readonly state: 'active' | 'suppressed' | 'unprocessed'; readonly inhibitedBy: string[]; readonly silencedBy: string[] };
  readonly receivers: { readonly name: string }[];
}

export function alertmanagerApi(url: string) {
  return {
    alerts: async (alertname?: string): Promise<AlertmanagerAlert[]> => {
      const filter = alertname ? `?filter=${encodeURIComponent(`alertname="${alertname}"`)}` : '';
      const response = await fetch(`${url}/api/v2/alerts${filter}`);
      return (await response.json()) as AlertmanagerAlert[];
    },
  };
}
export type AlertmanagerApi = ReturnType<typeof alertmanagerApi>;
