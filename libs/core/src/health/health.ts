import type { ApiInfoResponse, HealthResponse, LiveResponse, ReadyResponse } from '@snackbase/contract';
import { migrationStatus, type SnackDatabase } from '@snackbase/db';
import type { Config } from '../config';

/** The health answers of spec §1.2; `/ready` also reports the dialect and migration state. */
export interface Health {
  health(): HealthResponse;
  live(): LiveResponse;
  apiInfo(): ApiInfoResponse;
  /** Never throws: an unreachable database gives `status: 'not_ready'`. */
  ready(): Promise<ReadyResponse>;
}

export function createHealth(config: Config, db: SnackDatabase): Health {
  const service = config.appName;
  const version = config.appVersion;
  return {
    health: () => ({ status: 'healthy', service, version, audit_logging_enabled: config.auditLoggingEnabled }),
    live: () => ({ status: 'alive', service, version }),
    apiInfo: () => ({ name: service, version, api_version: 'v1' }),
    async ready() {
      const down: ReadyResponse = { status: 'not_ready', service, database: 'disconnected', dialect: db.dialect };
      if (!(await db.ping())) return down;
      try {
        const states = await migrationStatus(db);
        const applied = states.filter((s) => s.executedAt !== null);
        const pending = states.length - applied.length;
        return {
          status: pending === 0 ? 'ready' : 'not_ready',
          service,
          version,
          database: 'connected',
          dialect: db.dialect,
          migrations: { applied: applied.length, pending, latest: applied.at(-1)?.name ?? null },
          audit_logging_enabled: config.auditLoggingEnabled,
        };
      } catch {
        return down;
      }
    },
  };
}
