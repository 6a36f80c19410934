/**
 * The workflow definition a client POSTs: nodes of the executor's types
 * (exactly STEP_TYPES) and the edges between them. `parseWorkflowDefinition`
 * checks the shape with zod, then the graph (unique ids, edges between
 * existing nodes, branches only from conditions, exactly one trigger, no
 * cycles, every node reachable), and says what is wrong.
 */
import jsonata from 'jsonata';
import { z } from 'zod';
import { STEP_TYPES, type StepType } from '../../catalog/step-types';
import { findCycle, reachableFrom } from './workflow-graph';

export const HTTP_ACTION_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** control:delay is bounded: a delay holds a worker slot. */
export const MAX_DELAY_MS = 60_000;
export const MAX_HTTP_TIMEOUT_MS = 60_000;
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
export const MAX_NODES = 200;
export const MAX_EDGES = 1000;

const expression = z
  .string()
  .min(1, { error: 'must be a non-empty JSONata expression' })
  .max(10_000)
  .superRefine((value, ctx) => {
    try {
      jsonata(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `is not a valid JSONata expression: ${(error as Error).message}` });
    }
  });

const httpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'must be an absolute http:// or https:// URL' },
);

/** Each node type's config; `satisfies` keeps this in step with STEP_TYPES. */
export const NODE_CONFIG_SCHEMAS = {
  'trigger:manual': z.object({}).optional(),
  'action:http': z.object({
    method: z.enum(HTTP_ACTION_METHODS, { error: `must be one of ${HTTP_ACTION_METHODS.join(', ')}` }),
    url: httpUrl,
    headers: z.record(z.string(), z.string()).optional(),
    body: z.unknown().optional(),
    timeoutMs: z.number().int().min(1).max(MAX_HTTP_TIMEOUT_MS).optional(),
  }),
  'action:transform': z.object({ expression }),
  'control:delay': z.object({
    ms: z.number({ error: `must be a number of milliseconds from 0 to ${MAX_DELAY_MS}` }).int().min(0).max(MAX_DELAY_MS),
  }),
  'control:condition': z.object({ expression }),
} as const satisfies Record<StepType, z.ZodType>;

const retrySchema = z.object({
  maxAttempts: z.number().int().min(1).max(10),
  backoffMs: z.number().int().min(0).max(60_000),
});

const nodeId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, _ . or -' });

const nodeSchema = z
  .object({
    id: nodeId,
    type: z.enum(STEP_TYPES, { error: `must be one of ${STEP_TYPES.join(', ')}` }),
    config: z.unknown().optional(),
    retry: retrySchema.optional(),
  })
  .transform((node, ctx) => {
    const config = NODE_CONFIG_SCHEMAS[node.type].safeParse(node.config ?? (node.type === 'trigger:manual' ? undefined : {}));
    if (!config.success) {
      for (const issue of config.error.issues) ctx.addIssue({ ...issue, path: ['config', ...issue.path] } as never);
      return z.NEVER;
    }
    return { ...node, config: config.data ?? {} };
  });

const edgeSchema = z.object({
  source: nodeId,
  target: nodeId,
  branch: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).optional(),
});

const definitionSchema = z.object({
  nodes: z.array(nodeSchema).min(1, { error: 'must contain at least the trigger node' }).max(MAX_NODES),
  edges: z.array(edgeSchema).max(MAX_EDGES).default([]),
});

type HttpConfig = z.output<(typeof NODE_CONFIG_SCHEMAS)['action:http']>;
type NodeBase = { readonly id: string; readonly retry?: { maxAttempts: number; backoffMs: number } | undefined };

export type WorkflowNode =
  | (NodeBase & { readonly type: 'trigger:manual'; readonly config: Record<string, never> })
  | (NodeBase & { readonly type: 'action:http'; readonly config: HttpConfig })
  | (NodeBase & { readonly type: 'action:transform'; readonly config: { expression: string } })
  | (NodeBase & { readonly type: 'control:delay'; readonly config: { ms: number } })
  | (NodeBase & { readonly type: 'control:condition'; readonly config: { expression: string } });

export interface WorkflowEdge {
  readonly source: string;
  readonly target: string;
  readonly branch?: 'true' | 'false' | undefined;
}

export interface WorkflowDefinition {
  readonly nodes: readonly WorkflowNode[];
  readonly edges: readonly WorkflowEdge[];
}

export type DefinitionResult =
  | { readonly ok: true; readonly definition: WorkflowDefinition }
  | { readonly ok: false; readonly problems: readonly string[] };

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`), 'definition');
}

function graphProblems(definition: WorkflowDefinition): string[] {
  const problems: string[] = [];
  const byId = new Map<string, WorkflowNode>();
  definition.nodes.forEach((node, i) => {
    if (byId.has(node.id)) problems.push(`definition.nodes[${i}].id: "${node.id}" is used by more than one node`);
    byId.set(node.id, node);
  });
  const triggers = definition.nodes.filter((n) => n.type === 'trigger:manual');
  if (triggers.length !== 1) problems.push(`definition.nodes: must contain exactly one trigger:manual node, found ${triggers.length}`);
  const seen = new Set<string>();
  definition.edges.forEach((edge, i) => {
    const where = `definition.edges[${i}]`;
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source) problems.push(`${where}.source: no node has id "${edge.source}"`);
    if (!target) problems.push(`${where}.target: no node has id "${edge.target}"`);
    if (target?.type === 'trigger:manual') problems.push(`${where}.target: the trigger "${edge.target}" cannot have incoming edges`);
    if (source?.type === 'control:condition' && edge.branch === undefined) {
      problems.push(`${where}.branch: edges leaving the condition "${edge.source}" need "branch": "true" or "false"`);
    }
    if (source && source.type !== 'control:condition' && edge.branch !== undefined) {
      problems.push(`${where}.branch: only edges leaving a control:condition node carry a branch`);
    }
    const key = `${edge.source}\u0000${edge.target}`;
    if (seen.has(key)) problems.push(`${where}: duplicate edge ${edge.source} -> ${edge.target}`);
    seen.add(key);
  });
  if (problems.length > 0) return problems;
  const cycle = findCycle(definition);
  if (cycle) return [`definition.edges: the graph has a cycle (${cycle.join(' -> ')})`];
  const reachable = reachableFrom(definition, triggers[0]!.id);
  for (const node of definition.nodes) {
    if (!reachable.has(node.id)) problems.push(`definition.nodes: "${node.id}" is not reachable from the trigger`);
  }
  return problems;
}

export function parseWorkflowDefinition(input: unknown): DefinitionResult {
  const parsed = definitionSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${pathText(issue.path)}: ${issue.message}`) };
  }
  const definition = parsed.data as unknown as WorkflowDefinition;
  const problems = graphProblems(definition);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, definition };
}
