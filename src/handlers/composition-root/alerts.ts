import { eventBridgeClient } from '../../adapters/clients-eventbridge';
import { AlertPublisher } from '../../adapters/eventbridge/alert-publisher';
import type { AlertsDependencies } from '../../application/analytics/detect-alerts';
import { DEFAULT_CEP_SETTINGS } from '../../application/analytics/detect-alerts';
import { ORDER_STREAM_RULES } from '../../domain/analytics/rules';
import { setting } from '../../config';
import { alertRuleConfigs, alertsStore } from './stores';
import { once } from './once';

/**
 * The alerts pipeline (detectAlerts, tickAlerts): the CEP state in the analytics table, the bus (EventBridge
 * client; see stores.ts for why this is a module of its own) and the rules with this stage's thresholds.
 * Every setting is read here, so a missing or malformed one fails the cold start with its name.
 */
export const alertsDependencies = once((): AlertsDependencies => ({
  store: alertsStore(),
  sink: new AlertPublisher(eventBridgeClient(), setting('EVENT_BUS_NAME')),
  settings: { ...DEFAULT_CEP_SETTINGS, rules: ORDER_STREAM_RULES, configs: alertRuleConfigs() },
}));
