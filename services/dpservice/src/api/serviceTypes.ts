import type { ServiceImpl } from "@connectrpc/connect";
import type { DPDKironcore } from "@ironcore-ts/gen/dpdkironcore/v1/dpdk_pb.js";

/** The DPDKironcore handlers, written once as a Connect implementation (runtime serves them). */
export type DpdkImpl = ServiceImpl<typeof DPDKironcore>;
