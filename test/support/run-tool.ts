/**
 * Runs one of the real Prometheus tools (promtool, amtool) and returns its
 * exit status and output, so a failing check shows what the tool said.
 */
import { spawnSync } from 'node:child_process';

export interface ToolResult {
  readonly status: number | null;
  readonly output: string;
}

export function runTool(command: 'promtool' | 'amtool', args: readonly string[], cwd?: string): ToolResult {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw new Error(`${command} could not run (${result.error.message}); run \`npm run setup\` first`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
