// Test support only (not exported): the EchoService from proto/ironcore/testing/v1 with handlers
// that exercise errors, headers, streams and cancellation.
import { setTimeout as sleep } from "node:timers/promises";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { ApiError } from "@ironcore-ts/apimachinery";
import { EchoService } from "@ironcore-ts/gen/ironcore/testing/v1/echo_pb.js";

export { EchoService };

export const invalidEcho = new ApiError(
  "Invalid",
  'Echo "x" is invalid: [text: Invalid value: "invalid": must not be "invalid", at: Required value]',
  [
    { path: "text", type: "Invalid", value: "invalid", detail: 'must not be "invalid"' },
    { path: "at", type: "Required" },
  ],
);

export interface EchoProbe {
  /** Every Count call's signal, to see it abort. */
  countSignals: AbortSignal[];
  /** Count calls whose generator was told to stop (its finally ran). */
  countsFinished: number;
  /** Echo calls with text "slow" that have reached the handler. */
  slowStarted: number;
}

export function createEchoImpl(): { impl: ServiceImpl<typeof EchoService>; probe: EchoProbe } {
  const probe: EchoProbe = { countSignals: [], countsFinished: 0, slowStarted: 0 };
  const impl: ServiceImpl<typeof EchoService> = {
    async echo(req, ctx) {
      switch (req.text) {
        case "invalid":
          throw invalidEcho;
        case "boom":
          throw new Error("db password is hunter2");
        case "denied":
          throw new ConnectError("you shall not pass", Code.PermissionDenied);
        case "slow":
          probe.slowStarted++;
          await sleep(300);
      }
      ctx.responseHeader.set("x-echoed", "yes");
      return { text: (ctx.requestHeader.get("x-prefix") ?? "") + req.text, at: req.at ?? timestampNow() };
    },
    async *count(req, ctx) {
      probe.countSignals.push(ctx.signal);
      try {
        for (let i = 1; i <= req.count; i++) {
          // Deliberately ignores ctx.signal: the runtime must end the stream anyway.
          if (req.intervalMs > 0) await sleep(req.intervalMs);
          if (req.count === 13 && i === 3) throw new ApiError("Conflict", "unlucky");
          yield { number: i, at: timestampNow() };
        }
      } finally {
        probe.countsFinished++;
      }
    },
  };
  return { impl, probe };
}
