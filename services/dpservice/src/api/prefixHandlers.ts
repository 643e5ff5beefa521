import type { DataplaneState } from "../state/dataplaneState.js";
import {
  createLoadBalancerPrefix,
  createPrefix,
  deleteLoadBalancerPrefix,
  deletePrefix,
  listLoadBalancerPrefixes,
  listPrefixes,
} from "../state/ops/prefixOps.js";
import { requireInitialized } from "./initGuard.js";
import { readId, readPreferredUnderlay } from "./requestFields.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { prefixMessage, readPrefix, underlayBytes } from "./wireAddress.js";

type Handlers = Pick<
  DpdkImpl,
  | "listPrefixes"
  | "createPrefix"
  | "deletePrefix"
  | "listLoadBalancerPrefixes"
  | "createLoadBalancerPrefix"
  | "deleteLoadBalancerPrefix"
>;

/** Alias prefixes (routed to an interface) and load balancer target prefixes (underlay only). */
export function prefixHandlers(state: DataplaneState): Handlers {
  return {
    listPrefixes: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => ({
        prefixes: listPrefixes(state, id).map((p) => prefixMessage(p.prefix, p.underlay)),
      }));
    }),

    createPrefix: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const prefix = readPrefix(req.prefix, "prefix");
      const preferred = readPreferredUnderlay(state, req.preferredUnderlayRoute);
      return withStatus(() => ({ underlayRoute: underlayBytes(createPrefix(state, id, prefix, preferred)) }));
    }),

    deletePrefix: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const prefix = readPrefix(req.prefix, "prefix");
      return withStatus(() => {
        deletePrefix(state, id, prefix);
        return {};
      });
    }),

    listLoadBalancerPrefixes: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => ({
        prefixes: listLoadBalancerPrefixes(state, id).map((p) => prefixMessage(p.prefix, p.underlay)),
      }));
    }),

    createLoadBalancerPrefix: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const prefix = readPrefix(req.prefix, "prefix");
      const preferred = readPreferredUnderlay(state, req.preferredUnderlayRoute);
      return withStatus(() => ({
        underlayRoute: underlayBytes(createLoadBalancerPrefix(state, id, prefix, preferred)),
      }));
    }),

    deleteLoadBalancerPrefix: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const prefix = readPrefix(req.prefix, "prefix");
      return withStatus(() => {
        deleteLoadBalancerPrefix(state, id, prefix);
        return {};
      });
    }),
  };
}
