import { pino, type Logger } from 'pino';

/**
 * JSON logs for long-running commands (`watch --json`): one object per line on stdout with
 * `level`, `time` (ISO) and `msg`, the shape Loki/Promtail and jq expect. Written synchronously so
 * a line is never lost when the process is stopped.
 */
export function jsonLogger(name: string): Logger {
  return pino(
    {
      name,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
