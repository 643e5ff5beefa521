/** One prefix of a longest-prefix-match table and what it maps to. */
export interface LpmEntry<A, V> {
  /** The network address (host bits cleared). */
  readonly address: A;
  readonly length: number;
  readonly value: V;
}
