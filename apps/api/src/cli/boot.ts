import { ConfigError, createLogger, loadConfig, resolveSecrets, type Config, type Logger, type Secrets } from '@snackbase/core';

/** Configuration, logger and (when asked) secrets: what every command starts from. */
export interface Boot {
  readonly config: Config;
  readonly logger: Logger;
}

/** Prints one line naming the problem and exits; used for every configuration error. */
export function exitWith(message: string, code = 1): never {
  process.stderr.write(`snackbase: ${message}\n`);
  process.exit(code);
}

/** Loads and validates the configuration once; a wrong value ends the process with one line. */
export function boot(overrides: Record<string, string | undefined> = {}): Boot {
  try {
    const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    const config = loadConfig({ env: { ...process.env, ...given } });
    const logger = createLogger({ level: config.log.level, format: config.log.format, service: config.appName });
    return { config, logger };
  } catch (e) {
    if (e instanceof ConfigError) exitWith(e.message);
    throw e;
  }
}

/** The secrets to run with, warning about generated development secrets. */
export function secretsFor(b: Boot): Secrets {
  try {
    const { secrets, warnings } = resolveSecrets(b.config);
    for (const w of warnings) b.logger.warn(w);
    return secrets;
  } catch (e) {
    if (e instanceof ConfigError) exitWith(e.message);
    throw e;
  }
}
