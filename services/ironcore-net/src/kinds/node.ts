/**
 * Node (cluster-scoped): a hypervisor node registered by its metalnetlet as `<partition>.<node>`;
 * spec and status are empty, labels carry partition and zone. Reference: ironcore-net.md section 1.
 */
import type { ApiObject } from "@ironcore-ts/apimachinery";
import { type KindRules, validateObjectName } from "@ironcore-ts/apiserver";
import type { NodeJson } from "@ironcore-ts/gen/ironcore/apinet/core/v1alpha1/node_pb.js";

export type NodeObject = NodeJson & ApiObject;

export const nodeRules: KindRules<NodeObject> = {
  validate(obj) {
    return validateObjectName(obj, "DNSSubdomain");
  },
};
