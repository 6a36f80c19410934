/** A step failure that another attempt cannot fix (bad expression, refused address, 4xx): retries are skipped. */
export class PermanentStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentStepError';
  }
}
