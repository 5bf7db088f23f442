import type Docker from 'dockerode';

// `POST /containers/{id}/update` with its integers sent exactly (issue 12). A memory limit is lifted by the
// largest page-aligned value, 9223372036854771712 (engine-facts.md); as a JS number it is exact, but
// JSON.stringify writes it as 9223372036854772000, which the kernel refuses ("failed to write
// 9223372036854772000 … memory.limit_in_bytes: invalid argument", measured on the fleet's 20.10 engines).
// dockerode's update always goes through JSON.stringify, so the body is written here and sent as is.

const MARK = '@@dockpit-exact-int:';

/** JSON of `body`, with every integer beyond 2^53 written with the exact digits of its double. */
export function exactJson(body: Record<string, unknown>): string {
  const text = JSON.stringify(body, (_key, v: unknown) =>
    typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) ? `${MARK}${BigInt(v)}` : v,
  );
  return text.replace(new RegExp(`"${MARK}(-?\\d+)"`, 'g'), '$1');
}

/** What this module needs of dockerode's modem: its dial, with a raw body (`file`). */
interface Dialer {
  dial(options: Record<string, unknown>, callback: (err: unknown, data: unknown) => void): void;
}

export function updateContainerExact(docker: Docker, id: string, body: Record<string, unknown>, abortSignal?: AbortSignal): Promise<unknown> {
  const modem = docker.modem as unknown as Dialer;
  return new Promise((resolve, reject) => {
    modem.dial(
      {
        path: `/containers/${id}/update`,
        method: 'POST',
        file: Buffer.from(exactJson(body)),
        headers: { 'Content-Type': 'application/json' },
        ...(abortSignal && { abortSignal }),
        // The same codes dockerode's own update accepts: errors then carry the same statusCode and message.
        statusCodes: { 200: true, 204: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
        options: {},
      },
      (err, data) => (err ? reject(err) : resolve(data)),
    );
  });
}

/**
 * The client the plan executor is given: dockerode's, whose containers' `update` sends exact integers.
 * Everything else is dockerode's own.
 */
export function exactUpdateClient(docker: Docker): { getContainer(id: string): Docker.Container } {
  return {
    getContainer(id: string) {
      const c = docker.getContainer(id);
      return Object.assign(c, {
        update: (opts: Record<string, unknown>) => {
          const { abortSignal, ...body } = opts;
          return updateContainerExact(docker, id, body, abortSignal as AbortSignal | undefined);
        },
      });
    },
  };
}
