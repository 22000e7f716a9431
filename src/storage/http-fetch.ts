/**
 * HTTP GET with retries: transient failures (network errors, timeouts, 408, 429, 5xx) are retried
 * with exponential backoff and jitter; anything else (404, 403, …) fails at once. Errors are
 * `DOWNLOAD_FAILED` naming the URL, with `retryable` telling callers whether trying later may help.
 */
import { DatawarpError } from '../errors.js';

export interface FetchRetryOptions {
  /** attempts after the first (default 3) */
  readonly retries?: number;
  /** first backoff in ms, doubled each retry (default 500) */
  readonly backoffMs?: number;
  /** longest silence allowed while connecting or between body chunks (default 60 s) */
  readonly timeoutMs?: number;
  /** stops the request (and any retry) when aborted; its reason is what is thrown */
  readonly signal?: AbortSignal;
  /** called before each retry, e.g. to log it */
  readonly onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

/** A response whose body has not been read, and the abort timer that guards it. */
export interface OpenResponse {
  readonly response: Response;
  /** re-arm the silence timer; call on each body chunk */
  readonly touch: () => void;
  /** stop the timer once the body is read */
  readonly done: () => void;
  readonly signal: AbortSignal;
}

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** Open `url` (GET), retrying transient failures. The caller reads the body and calls `done()`. */
export function openWithRetry(url: string, options: FetchRetryOptions = {}): Promise<OpenResponse> {
  return withRetry(url, options, () => openOnce(url, options.timeoutMs ?? 60_000, options.signal));
}

/**
 * Run `attempt` until it succeeds, a non-retryable error occurs, or the retries are spent;
 * errors are turned into `DOWNLOAD_FAILED` naming `url`.
 */
export async function withRetry<T>(
  url: string,
  options: FetchRetryOptions,
  attempt: () => Promise<T>,
): Promise<T> {
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (options.signal?.aborted) throw options.signal.reason;
      const dwErr = toDownloadError(url, err);
      if (!dwErr.retryable || n >= retries) {
        if (n > 0) dwErr.message = `${dwErr.message} (after ${n + 1} attempts)`;
        throw dwErr;
      }
      const delayMs = Math.round(backoffMs * 2 ** n * (0.75 + Math.random() * 0.5));
      options.onRetry?.({ attempt: n + 1, delayMs, reason: dwErr.message });
      await new Promise((r) => setTimeout(r, delayMs));
      options.signal?.throwIfAborted();
    }
  }
}

async function openOnce(
  url: string,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): Promise<OpenResponse> {
  outer?.throwIfAborted();
  const controller = new AbortController();
  const stop = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', stop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
  };
  const done = () => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', stop);
  };
  touch();
  let response: Response;
  try {
    response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
  } catch (err) {
    done();
    throw controller.signal.aborted ? controller.signal.reason : err;
  }
  if (!response.ok) {
    done();
    await response.body?.cancel().catch(() => undefined);
    throw new DatawarpError(
      'DOWNLOAD_FAILED',
      `${url}: HTTP ${response.status} ${response.statusText}`.trim(),
      {
        hint: hintForStatus(response.status),
        retryable: isRetryableStatus(response.status),
      },
    );
  }
  return { response, touch, done, signal: controller.signal };
}

class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no data for ${ms / 1000} s`);
    this.name = 'TimeoutError';
  }
}

function hintForStatus(status: number): string {
  if (status === 404 || status === 410)
    return 'the file is gone or the URL is wrong: check the publication page for its current link';
  if (status === 401 || status === 403) return 'the server refused access: the file may need a login';
  if (isRetryableStatus(status)) return 'the server is busy or failing: try again later';
  return 'check the URL in a browser';
}

/** Wrap anything thrown while fetching into one `DOWNLOAD_FAILED` error naming the URL. */
export function toDownloadError(url: string, err: unknown): DatawarpError {
  if (err instanceof DatawarpError) return err;
  if (err instanceof TimeoutError)
    return new DatawarpError('DOWNLOAD_FAILED', `${url}: timed out (${err.message})`, {
      hint: 'the server is slow or unreachable: try again later, or raise the timeout',
      retryable: true,
      cause: err,
    });
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
  return new DatawarpError('DOWNLOAD_FAILED', `${url}: ${detail}`, {
    hint: 'check the network connection and the URL; use --offline to work from the download cache',
    retryable: true,
    cause: err,
  });
}
