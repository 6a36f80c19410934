/** POST /workflows and GET /workflows/:id, scoped to the request's tenant. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Workflow, WorkflowRepository } from '../../storage/workflow-repository';
import { parseWorkflowDefinition } from '../../workflow/workflow-definition';
import { HttpError } from '../http-error';

const createWorkflowBody = z.object(
  {
    name: z.string({ error: 'name is required and must be a string' }).trim().min(1, { error: 'name must not be empty' }).max(200, { error: 'name must be at most 200 characters' }),
    definition: z.custom<unknown>((value) => value !== undefined, { error: 'definition is required' }),
  },
  { error: 'the body must be a JSON object {"name", "definition"}' },
);

export function workflowView(workflow: Workflow) {
  return {
    id: workflow.id,
    name: workflow.name,
    definition: workflow.definition,
    createdAt: workflow.createdAt,
    updatedAt: workflow.updatedAt,
  };
}

export function registerWorkflowRoutes(app: FastifyInstance, workflows: WorkflowRepository): void {
  app.post('/workflows', async (request, reply) => {
    const body = createWorkflowBody.safeParse(request.body);
    if (!body.success) throw new HttpError(400, 'invalid workflow', body.error.issues.map((i) => i.message));
    const definition = parseWorkflowDefinition(body.data.definition);
    if (!definition.ok) throw new HttpError(400, 'invalid workflow definition', definition.problems);
    const workflow = await workflows.create(request.tenantId, body.data.name, definition.definition);
    return reply.code(201).send(workflowView(workflow));
  });

  app.get<{ Params: { id: string } }>('/workflows/:id', async (request) => {
    const workflow = await workflows.findById(request.tenantId, request.params.id);
    if (!workflow) throw new HttpError(404, 'workflow not found');
    return workflowView(workflow);
  });
}
