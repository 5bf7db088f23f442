import { afterEach, describe, expect, it } from 'vitest';
import { alertmanagerAlert, createAlertmanagerSink, ENDS_AFTER_RESENDS, silenceAlert, type AlertmanagerAlert } from '../../src/alerts/sinks/alertmanager.js';
import type { AlertSink } from '../../src/alerts/types.js';
import { alert, firing, resolved, startReceiver, until, type Receiver } from './alert-sink-fixtures.js';

let receiver: Receiver | null = null;
let sink: AlertSink | null = null;

afterEach(async () => {
  await sink?.close(0);
  await receiver?.close();
  sink = null;
  receiver = null;
});

const NOW = 1_700_000_030_000;

describe('Alertmanager payload', () => {
  it('a firing alert: all its labels, the summary, startsAt when it started firing, endsAt a few resend intervals ahead', () => {
    expect(alertmanagerAlert(firing(3), NOW, 60_000)).toEqual({
      labels: { alertname: 'restartLoop', severity: 'critical', host: 'h1', container: 'web-3', bizline: 'shop', tier: '1' },
      annotations: { summary: 'h1/web-3: restarted 4 times in 2 min' },
      startsAt: '2023-11-14T22:13:30.000Z',
      endsAt: new Date(NOW + ENDS_AFTER_RESENDS * 60_000).toISOString(),
    });
    expect(alertmanagerAlert({ kind: 'refresh', alert: alert(3) }, NOW + 60_000, 60_000, 'http://jump1/').endsAt).toBe(new Date(NOW + 60_000 + 3 * 60_000).toISOString());
    expect(alertmanagerAlert(firing(3), NOW, 60_000, 'http://jump1/').generatorURL).toBe('http://jump1/');
  });

  it('a resolved alert ends when it resolved (in the past: Alertmanager marks it resolved)', () => {
    const a = alertmanagerAlert(resolved(3, 1_700_000_020_000), NOW, 60_000);
    expect(a.endsAt).toBe(new Date(1_700_000_020_000).toISOString());
    expect(a.startsAt).toBe(new Date(1_700_000_010_000).toISOString());
  });

  it('never ends before it starts', () => {
    const a = alertmanagerAlert({ kind: 'resolved', alert: alert(1, { resolvedAt: 1_700_000_000_000 }) }, NOW, 60_000);
    expect(a.endsAt).toBe(a.startsAt);
  });
});

describe('Alertmanager sink', () => {
  it('one POST to /api/v2/alerts per send; a resolve queued behind its firing replaces it', async () => {
    receiver = await startReceiver();
    sink = createAlertmanagerSink({ url: `${receiver.url}/`, now: () => NOW });
    sink.send([firing(1), firing(2)]);
    await until(() => sink!.stats().sent === 2);
    expect(receiver.paths).toEqual(['/api/v2/alerts']);
    expect((receiver.bodies[0] as AlertmanagerAlert[]).map((a) => a.labels.container)).toEqual(['web-1', 'web-2']);

    receiver.mode = 'fail';
    sink.send([firing(5)]);
    await until(() => sink!.stats().failed >= 1);
    sink.send([firing(6)]);
    sink.send([resolved(6)]);
    // web-6's firing waits behind the failed batch: its resolve replaces it.
    expect(sink.stats().queued).toBe(2);
    receiver.mode = 'ok';
    await until(() => sink!.stats().queued === 0, 10_000);
    const sent = receiver.bodies.slice(1).flat() as AlertmanagerAlert[];
    expect(sent.map((a) => [a.labels.container, a.endsAt])).toEqual([
      ['web-5', new Date(NOW + 3 * 60_000).toISOString()],
      ['web-6', new Date(1_700_000_060_000).toISOString()],
    ]);
  });

  it('silenceAlert: matchers on every label of the alert, until the time given; resolves to the silence id', async () => {
    receiver = await startReceiver();
    receiver.answer = { silenceID: 'b3e5-7a' };
    const id = await silenceAlert({ url: receiver.url, now: () => NOW }, alert(3), NOW + 3_600_000, 'ops@jump1', 'looking at it');
    expect(id).toBe('b3e5-7a');
    expect(receiver.paths).toEqual(['/api/v2/silences']);
    const body = receiver.bodies[0] as { matchers: unknown[]; startsAt: string; endsAt: string; createdBy: string; comment: string };
    expect(body.matchers).toContainEqual({ name: 'container', value: 'web-3', isRegex: false, isEqual: true });
    expect(body.matchers).toHaveLength(6);
    expect(body).toMatchObject({ startsAt: new Date(NOW).toISOString(), endsAt: new Date(NOW + 3_600_000).toISOString(), createdBy: 'ops@jump1', comment: 'looking at it' });

    receiver.answer = {};
    await expect(silenceAlert({ url: receiver.url }, alert(3), NOW, 'ops', '')).rejects.toMatchObject({ code: 'BAD_ANSWER' });
    receiver.mode = 'fail';
    await expect(silenceAlert({ url: receiver.url }, alert(3), NOW, 'ops', '')).rejects.toMatchObject({ code: 'HTTP_503' });
  });
});
