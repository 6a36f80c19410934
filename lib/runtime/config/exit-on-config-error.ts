/** For the bin entry points: load the configuration, or print every problem and exit 1. */
import { ConfigError } from './config-error';
import { loadConfig, type RuntimeConfig } from './runtime-config';

export function exitOnConfigError(service: 'api' | 'worker', env: NodeJS.ProcessEnv): RuntimeConfig {
  try {
    return loadConfig(env, service);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', service: `gorax-${service}`, msg: error.message, problems: error.problems })}\n`,
    );
    process.exit(1);
  }
}
