/** One step of a traced packet, like a line of ovn-trace. */
export interface TraceStage {
  stage: string;
  decision: string;
  detail: string;
}

/** Something the pipeline emitted for the traced (or injected) packet. */
export interface TraceOutput {
  kind: "vf" | "fabric";
  /** VF index for "vf". */
  vfIndex: number;
  /** Copy of the bytes: an Ethernet frame (vf) or an outer IPv6 packet (fabric). */
  packet: Uint8Array;
}

/**
 * The record of one packet's way through the pipeline. The pipeline holds `trace: Trace |
 * undefined`; each stage does `if (this.trace) this.trace.add(...)`, so with tracing off a stage
 * pays one field test and builds no strings.
 */
export class Trace {
  readonly stages: TraceStage[] = [];
  readonly outputs: TraceOutput[] = [];
  /** Set by the stage that dropped the packet. */
  dropReason = "";

  add(stage: string, decision: string, detail = ""): void {
    this.stages.push({ stage, decision, detail });
  }

  /** The stages as text lines ("stage: decision (detail)"), for logs and tests. */
  lines(): string[] {
    return this.stages.map((s) => `${s.stage}: ${s.decision}${s.detail ? ` (${s.detail})` : ""}`);
  }
}
