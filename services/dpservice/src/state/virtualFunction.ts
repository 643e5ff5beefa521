import type { InterfaceEntry } from "./interfaceEntry.js";

/** A VM port of this node: a virtual function named by its PCI address ("0000:3b:00.2"). */
export interface VirtualFunction {
  /** Position in the pool, 0-based: a dense key for per-port arrays in the pipeline. */
  readonly index: number;
  readonly name: string;
  /** The interface bound to this VF, if any. */
  iface: InterfaceEntry | undefined;
}
