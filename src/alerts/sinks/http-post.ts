// One JSON POST with a deadline, for the Alertmanager and webhook sinks. A non-2xx answer is an error with
// the status as its code (HTTP_503), so callers map by code and the stats show `HTTP_503: body…`.

export class HttpStatusError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`${status}${body ? ` ${body.slice(0, 200)}` : ''}`);
    this.name = 'HttpStatusError';
    this.code = `HTTP_${status}`;
  }
}

export class HttpTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(url: string, ms: number) {
    super(`no answer from ${url} within ${ms} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/** POSTs `body` as JSON; resolves to the answer's text (2xx), rejects otherwise or after `timeoutMs`. */
export async function postJson(url: string, body: unknown, timeoutMs: number): Promise<string> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal });
    const text = await res.text();
    if (!res.ok) throw new HttpStatusError(res.status, text.trim());
    return text;
  } catch (err) {
    if (signal.aborted) throw new HttpTimeoutError(url, timeoutMs);
    throw err;
  }
}
