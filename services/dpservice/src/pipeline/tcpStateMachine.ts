import { TcpFlag } from "@ironcore-ts/packet";

/**
 * Connection tracking's view of a TCP connection, as upstream dpservice tracks it: loose (no
 * sequence-number checks), only enough to pick the timeout. SYN (original direction), SYN-ACK
 * (reply), ACK (original) = established; FIN while established = FIN_WAIT; RST, or a FIN in any
 * other state = CLOSED (short timeout). A SYN on a closed flow starts over (tuple reuse).
 */
export const TcpState = {
  /** Only non-SYN packets seen (mid-stream pickup, e.g. after a restart). */
  None: 0,
  SynSent: 1,
  SynReceived: 2,
  Established: 3,
  FinWait: 4,
  Closed: 5,
} as const;

export type TcpStateValue = (typeof TcpState)[keyof typeof TcpState];

export const TCP_STATE_NAMES = [
  "none",
  "syn-sent",
  "syn-received",
  "established",
  "fin-wait",
  "closed",
] as const;

const SYN_ACK = TcpFlag.SYN | TcpFlag.ACK;

/** The state after a segment with `flags` in the original (`reply` false) or reply direction. */
export function nextTcpState(state: number, flags: number, reply: boolean): number {
  if ((flags & TcpFlag.RST) !== 0) return TcpState.Closed;
  if ((flags & TcpFlag.FIN) !== 0) {
    return state === TcpState.Established ? TcpState.FinWait : TcpState.Closed;
  }
  const synAck = flags & SYN_ACK;
  if (synAck === TcpFlag.SYN) {
    return !reply && (state === TcpState.None || state === TcpState.Closed) ? TcpState.SynSent : state;
  }
  if (synAck === SYN_ACK) {
    return reply && state === TcpState.SynSent ? TcpState.SynReceived : state;
  }
  if ((flags & TcpFlag.ACK) !== 0 && !reply && state === TcpState.SynReceived) return TcpState.Established;
  return state;
}
