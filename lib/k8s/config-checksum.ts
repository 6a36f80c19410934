/**
 * Checksum annotations on pod templates: when a ConfigMap's content changes,
 * the annotation changes and the Deployment rolls its pods, so a new
 * configuration is never left unread by a running process.
 */
import { createHash } from 'node:crypto';

export const CHECKSUM_ANNOTATION_PREFIX = 'checksum/';

/** sha256 of ConfigMap data with its keys sorted, so key order never changes it. */
export function configChecksum(data: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(data).sort()) {
    hash.update(key).update('\0').update(data[key]!).update('\0');
  }
  return hash.digest('hex');
}

export function checksumAnnotation(name: string, data: Readonly<Record<string, string>>): Record<string, string> {
  return { [`${CHECKSUM_ANNOTATION_PREFIX}${name}`]: configChecksum(data) };
}
