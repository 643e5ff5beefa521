import type { DataplaneState } from "../state/dataplaneState.js";
import {
  createFirewallRule,
  deleteFirewallRule,
  getFirewallRule,
  listFirewallRules,
} from "../state/ops/firewallOps.js";
import { firewallRuleMessage, readFirewallRule } from "./firewallRuleWire.js";
import { requireInitialized } from "./initGuard.js";
import { readId } from "./requestFields.js";
import { withStatus } from "./responseStatus.js";
import type { DpdkImpl } from "./serviceTypes.js";
import { textBytes } from "./wireText.js";

type Handlers = Pick<
  DpdkImpl,
  "listFirewallRules" | "createFirewallRule" | "getFirewallRule" | "deleteFirewallRule"
>;

export function firewallHandlers(state: DataplaneState): Handlers {
  return {
    listFirewallRules: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      return withStatus(() => ({ rules: listFirewallRules(state, id).map(firewallRuleMessage) }));
    }),

    createFirewallRule: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const rule = readFirewallRule(req.rule);
      return withStatus(() => {
        // DROP rules are accepted (upstream answers NO_DROP_SUPPORT): our pipeline enforces them.
        createFirewallRule(state, id, rule);
        return { ruleId: textBytes(rule.id) };
      });
    }),

    getFirewallRule: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const ruleId = readId(req.ruleId, "rule_id");
      return withStatus(() => ({ rule: firewallRuleMessage(getFirewallRule(state, id, ruleId)) }));
    }),

    deleteFirewallRule: requireInitialized(state, (req) => {
      const id = readId(req.interfaceId, "interface_id");
      const ruleId = readId(req.ruleId, "rule_id");
      return withStatus(() => {
        deleteFirewallRule(state, id, ruleId);
        return {};
      });
    }),
  };
}
