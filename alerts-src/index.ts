/**
 * Every Gorax rule group, in the order Prometheus loads them.
 */
import type { EnvironmentConfig } from '../lib/config/environments';
import type { RuleGroupDefinition } from '../lib/rules/rule-definition';
import { apiRules } from './api';
import { infrastructureRules } from './infrastructure';
import { queueWorkerRules } from './queue-workers';
import { stepRules } from './steps';
import { workflowRules } from './workflows';

export function goraxRuleGroups(env: EnvironmentConfig): readonly RuleGroupDefinition[] {
  return [workflowRules, queueWorkerRules, apiRules, stepRules, infrastructureRules(env)];
}
