/** Events kept per collection unless configured otherwise: about a few minutes of busy writes. */
export const defaultHistoryLimit = 10_000;

export function checkHistoryLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`historyLimit must be a positive integer, got ${limit}`);
  }
  return limit;
}
