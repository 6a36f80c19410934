/** Workflows in PostgreSQL. Every read is scoped by tenant: another tenant's row does not exist. */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { WorkflowDefinition } from '../workflow/workflow-definition';

export interface Workflow {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly definition: WorkflowDefinition;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface WorkflowRow {
  id: string;
  tenant_id: string;
  name: string;
  definition: WorkflowDefinition;
  created_at: Date;
  updated_at: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ids are UUIDs; anything else cannot exist, so it is answered without a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function toWorkflow(row: WorkflowRow): Workflow {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    definition: row.definition,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export class WorkflowRepository {
  constructor(private readonly pool: Pool) {}

  async create(tenantId: string, name: string, definition: WorkflowDefinition): Promise<Workflow> {
    const result = await this.pool.query<WorkflowRow>(
      `INSERT INTO workflows (id, tenant_id, name, definition) VALUES ($1, $2, $3, $4)
       RETURNING id, tenant_id, name, definition, created_at, updated_at`,
      [randomUUID(), tenantId, name, JSON.stringify(definition)],
    );
    return toWorkflow(result.rows[0]!);
  }

  async findById(tenantId: string, id: string): Promise<Workflow | undefined> {
    if (!isUuid(id)) return undefined;
    const result = await this.pool.query<WorkflowRow>(
      `SELECT id, tenant_id, name, definition, created_at, updated_at FROM workflows WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return result.rows[0] ? toWorkflow(result.rows[0]) : undefined;
  }
}
