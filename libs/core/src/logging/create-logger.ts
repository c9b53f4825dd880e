import winston from 'winston';

/** The server's logger: winston with one structured line per event. */
export type Logger = winston.Logger;

const SENSITIVE = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|hash/i;

/** Replaces values of secret-looking keys, at any depth, before a line is written. */
function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SENSITIVE.test(k) && v !== undefined ? '[redacted]' : redact(v, depth + 1);
  return out;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    (info as Record<string, unknown>)[key] = SENSITIVE.test(key) ? '[redacted]' : redact(info[key]);
  }
  return info;
});

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly format: 'json' | 'console';
  readonly service?: string;
  /** Defaults to stdout; tests pass a stream to read the lines back. */
  readonly stream?: NodeJS.WritableStream;
  readonly silent?: boolean;
}

/**
 * A winston logger writing JSON lines (or readable lines with `format: 'console'`) to stdout,
 * never with the value of a secret-looking key. A line written for a request names it as
 * `request_id` (the caller passes it: see request-id.ts for why it is not implicit).
 */
export function createLogger(options: LoggerOptions): Logger {
  const output =
    options.format === 'json'
      ? winston.format.json()
      : winston.format.printf(({ level, message, timestamp, ...rest }) => `${timestamp} ${level} ${message} ${Object.keys(rest).length ? JSON.stringify(rest) : ''}`);
  return winston.createLogger({
    level: options.level,
    silent: options.silent,
    defaultMeta: { service: options.service ?? 'snackbase' },
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), output),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
}
