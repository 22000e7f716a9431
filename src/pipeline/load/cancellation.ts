import { DatawarpError } from '../../errors.js';

/** The reason a load's signal carries when the user stops it. */
export function cancelledError(signalName = 'a cancel request'): DatawarpError {
  return new DatawarpError('CANCELLED', `load cancelled by ${signalName}; nothing was loaded`, {
    hint: 'the transaction was rolled back; run the load again when ready',
  });
}

export function isCancellation(err: unknown, signal: AbortSignal | undefined): boolean {
  return Boolean(signal?.aborted) || (err as { code?: string })?.code === 'CANCELLED';
}

/**
 * Abort `controller` on the first SIGINT or SIGTERM (a second one exits at once). Returns the
 * function that removes the handlers.
 */
export function abortOnSignals(controller: AbortController): () => void {
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(cancelledError(name));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
