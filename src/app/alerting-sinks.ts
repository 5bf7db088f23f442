import type { AlertsConfig } from '../alerts/rules-config.js';
import { createAlertmanagerSink, silenceAlert } from '../alerts/sinks/alertmanager.js';
import { createWebhookSink } from '../alerts/sinks/webhook.js';
import { createZabbixSink, zabbixValues } from '../alerts/sinks/zabbix.js';
import type { Alert, AlertSink } from '../alerts/types.js';
import type { AlertingOptions } from './alerting.js';

// Issue 15, item 3: the sinks `alerts.sinks` configures (each optional), and what the alerting service
// takes from them besides send(): Zabbix's periodic item values, Alertmanager's silences for acks.

export interface ConfiguredSinks {
  sinks: AlertSink[];
  periodic?: AlertingOptions['periodic'];
  silence?: (alert: Alert, until: number, by: string) => Promise<void>;
}

export function configuredSinks(alerts: AlertsConfig): ConfiguredSinks {
  const { alertmanager, zabbix, webhook } = alerts.sinks;
  const out: ConfiguredSinks = { sinks: [] };
  if (alertmanager) {
    out.sinks.push(createAlertmanagerSink({ url: alertmanager.url, resendMs: alertmanager.resendMs }));
    out.silence = alertmanagerSilence(alerts);
  }
  if (zabbix) {
    const sink = createZabbixSink({ server: zabbix.server, host: zabbix.host });
    out.sinks.push(sink);
    out.periodic = { everyMs: zabbix.everyMs, push: (state, now) => sink.sendValues(zabbixValues(state, zabbix.host, now)) };
  }
  if (webhook) out.sinks.push(createWebhookSink({ url: webhook.url, queue: webhook.queue, retries: webhook.retries, timeoutMs: webhook.timeoutMs }));
  return out;
}

/** Silences an acknowledged alert in Alertmanager, when that sink is configured (the cockpit sends nothing else). */
export function alertmanagerSilence(alerts: AlertsConfig): ConfiguredSinks['silence'] {
  const am = alerts.sinks.alertmanager;
  if (!am) return undefined;
  return async (alert, until, by) => {
    await silenceAlert({ url: am.url }, alert, until, by, `acknowledged in dockpit by ${by}: ${alert.summary}`);
  };
}
