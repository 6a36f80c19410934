/** Every migration, in version order. Append only: a released migration never changes. */
import { initialSchema } from './0001-initial-schema';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [initialSchema];
