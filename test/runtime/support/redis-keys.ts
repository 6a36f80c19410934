/** Removes a test run's BullMQ keys (SCAN + DEL on its prefix only). */
import { Queue } from 'bullmq';

export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  // A throwaway BullMQ queue gives us its ioredis client without a direct ioredis dependency.
  const queue = new Queue('cleanup', { connection: { url: redisUrl, connectTimeout: 2000, maxRetriesPerRequest: 1 }, prefix });
  queue.on('error', () => undefined);
  try {
    const client = (await queue.client) as unknown as {
      scan(cursor: string, ...args: (string | number)[]): Promise<[string, string[]]>;
      del(...keys: string[]): Promise<number>;
    };
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await client.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    await queue.close();
  }
}
