import type { DataplaneState } from "../dataplaneState.js";
import { type Underlay, underlayFromBytes } from "../underlay.js";
import type { UnderlayKind } from "../underlayGenerator.js";

/**
 * The client's preferred underlay (already checked with UnderlayGenerator.acceptsPreferred by
 * the API), else a freshly generated one. Not yet in the underlay table.
 */
export function chooseUnderlay(
  state: DataplaneState,
  preferred: Uint8Array | undefined,
  kind: UnderlayKind,
): Underlay {
  return preferred ? underlayFromBytes(preferred) : state.underlayGenerator.next(kind);
}
