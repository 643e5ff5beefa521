/**
 * networkpolicy (upstream NetworkPolicyReconciler in the controller-manager): the rule a policy
 * is resolved to (NetworkPolicyRule of the same name, written by apinetlet) goes when the policy
 * goes. apinetlet gives the rule a controller reference to the policy, so the garbage collector
 * removes it too; this controller also covers rules written without one. Reference: section 5.
 */
import { isDeleting, objectKey, splitObjectKey } from "@ironcore-ts/apimachinery";
import { Controller, enqueueObject } from "@ironcore-ts/controller";
import type { Logger } from "pino";
import { apinetRefs } from "../apinet.js";
import { deleteIfExists, getIfExists, type NetworkPolicyObject } from "./controllerObjects.js";
import type { NetworkControllerContext } from "./networkControllerContext.js";

export function networkPolicyReconciler(ctx: NetworkControllerContext): Controller {
  const { client, informers } = ctx;

  async function reconcile(key: string, _signal: AbortSignal, log: Logger) {
    if (informers.networkPolicies.get(key)) return;
    const rule = informers.networkPolicyRules.get(key);
    if (!rule || isDeleting(rule)) return;
    const { namespace, name } = splitObjectKey(key);
    // apinetlet writes the policy, then its rule, and the two informers watch separately: a rule
    // can arrive before its policy does. Only a live read can tell "gone" from "not seen yet".
    if (await getIfExists(client.get<NetworkPolicyObject>(apinetRefs.NetworkPolicy, namespace, name))) return;
    if (await deleteIfExists(client.delete(apinetRefs.NetworkPolicyRule, namespace, name))) {
      log.info({ rule: objectKey(rule.metadata) }, "deleted the rule of a deleted network policy");
    }
  }

  return new Controller({ name: "networkpolicy", logger: ctx.logger, concurrency: 2, reconcile })
    .watch(informers.networkPolicies, enqueueObject())
    .watch(informers.networkPolicyRules, enqueueObject());
}
