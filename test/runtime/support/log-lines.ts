/** A pino destination that keeps every line, parsed, for assertions on the logs. */
import type { DestinationStream } from 'pino';

export interface CollectedLogs extends DestinationStream {
  readonly lines: Record<string, unknown>[];
  readonly raw: string[];
}

export function collectLogs(): CollectedLogs {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  return {
    lines,
    raw,
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
}
