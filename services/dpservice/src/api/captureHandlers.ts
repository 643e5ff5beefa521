import { CaptureInterfaceType, IpVersion } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";
import { parseIpv6 } from "@ironcore-ts/packet";
import type { DataplaneState } from "../state/dataplaneState.js";
import { Limits } from "../state/limits.js";
import { fail, StatusCode } from "../state/statusCode.js";
import { requireInitialized } from "./initGuard.js";
import { invalidArgument } from "./requestErrors.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { strictBytesText } from "./wireText.js";

type Handlers = Pick<DpdkImpl, "captureStart" | "captureStop" | "captureStatus">;

/**
 * Upstream captures only hardware-offloaded traffic; we have no offload, so (like upstream run
 * with --no-offload) capture is never active: Start answers NOT_ACTIVE after validating.
 */
export function captureHandlers(state: DataplaneState): Handlers {
  return {
    captureStart: requireInitialized(state, (req) => {
      const config = req.captureConfig;
      if ((config?.udpSrcPort ?? 0) > 0xffff) invalidArgument("Invalid udp_src_port");
      if ((config?.udpDstPort ?? 0) > 0xffff) invalidArgument("Invalid udp_dst_port");
      const sink = config?.sinkNodeIp;
      const sinkText = sink ? strictBytesText(sink.address) : undefined;
      if (sink?.ipver !== IpVersion.IPV6 || sinkText === undefined || !parseIpv6(sinkText)) {
        invalidArgument("Invalid sink_node_ip");
      }
      const interfaces = config?.interfaces ?? [];
      if (interfaces.length > Limits.captureInterfaces) invalidArgument("Too many interfaces to be captured");
      for (const i of interfaces) {
        if (
          i.interfaceType !== CaptureInterfaceType.SINGLE_PF &&
          i.interfaceType !== CaptureInterfaceType.SINGLE_VF
        ) {
          invalidArgument("Invalid interfaces.interface_type");
        }
      }
      return withStatus(() => fail(StatusCode.NOT_ACTIVE));
    }),

    captureStop: requireInitialized(state, () => withStatus(() => fail(StatusCode.NOT_ACTIVE))),

    captureStatus: requireInitialized(state, () => withStatus(() => ({ isActive: false }))),
  };
}
