/** Workflows, their executions, and each execution's step results. */
export const initialSchema = {
  version: 1,
  name: 'initial-schema',
  sql: `
CREATE TABLE workflows (
  id          uuid PRIMARY KEY,
  tenant_id   text NOT NULL,
  name        text NOT NULL,
  definition  jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflows_tenant_idx ON workflows (tenant_id, created_at DESC);

CREATE TABLE executions (
  id            uuid PRIMARY KEY,
  tenant_id     text NOT NULL,
  workflow_id   uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  status        text NOT NULL CHECK (status IN ('pending', 'running', 'completed', 'failed')),
  trigger_type  text NOT NULL,
  input         jsonb NOT NULL DEFAULT '{}'::jsonb,
  error         text,
  deliveries    integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX executions_tenant_idx ON executions (tenant_id, created_at DESC);
CREATE INDEX executions_unfinished_idx ON executions (status) WHERE status IN ('pending', 'running');

CREATE TABLE step_executions (
  execution_id  uuid NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  node_id       text NOT NULL,
  node_type     text NOT NULL,
  status        text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'skipped')),
  attempts      integer NOT NULL DEFAULT 0,
  duration_ms   double precision,
  output        jsonb,
  error         text,
  started_at    timestamptz,
  finished_at   timestamptz,
  seq           bigserial,
  PRIMARY KEY (execution_id, node_id)
);
`,
} as const;
