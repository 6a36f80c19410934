/** A thin client for the API under test: JSON in, JSON out, the tenant header set. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: any;
}

/** `tenant` null sends no X-Tenant-ID header. */
export function apiClient(port: number, tenant: string | null = 'acme') {
  const base = `http://127.0.0.1:${port}`;
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(tenant ? { 'x-tenant-id': tenant } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: the test sees the text.
    }
    return { status: response.status, body: parsed };
  };
  return {
    request,
    createWorkflow: (definition: unknown, name = 'test workflow') => request('POST', '/api/v1/workflows', { name, definition }),
    getWorkflow: (id: string) => request('GET', `/api/v1/workflows/${id}`),
    execute: (workflowId: string, input?: unknown) =>
      request('POST', `/api/v1/workflows/${workflowId}/executions`, input === undefined ? undefined : { input }),
    getExecution: (id: string) => request('GET', `/api/v1/executions/${id}`),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
