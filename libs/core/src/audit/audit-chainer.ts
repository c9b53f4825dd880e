import type { SnackDatabase } from '@snackbase/db';
import type { Logger } from '../logging';
import { chainStagedEntries, lastStagedId, stagedUpTo, type ChainHeadMemo } from './audit-writer';

/** Changes chained per transaction: enough to amortise a commit, small enough to keep it short. */
const ROUND_LIMIT = 500;
/** How often staged entries left by a crash or by an instance that stopped are looked for. */
const SWEEP_MS = 2000;
/**
 * Changes committed by this instance's writes and not yet chained, past which a new write waits
 * for its own round: bounds how far the chain can fall behind when writes outpace rounds.
 */
const MAX_UNCHAINED_CHANGES = 1000;
/** Rounds a reader waits for before it reads what is there (chaining keeps failing). */
const MAX_CATCH_UP_ROUNDS = 20;

/** What {@link createAuditChainer} needs. */
export interface AuditChainerDeps {
  readonly db: SnackDatabase;
  readonly logger: Logger;
}

/**
 * Moves staged audit entries into the hash chain (see `chainStagedEntries`), one round at a
 * time per instance. Writers stage their entries in their own transaction, so the entries are
 * committed exactly with the write, and then call {@link AuditChainer.committed}: every write
 * that commits during a round shares the next one (one chain-lock hold and one commit for many
 * writes, where chaining inside each write serialised them all). The write is answered without
 * waiting for that round; whoever reads the log first chains what is staged
 * ({@link AuditChainer.catchUp}), so no reader ever sees the chain without an answered write's
 * entries.
 */
export function createAuditChainer(deps: AuditChainerDeps) {
  const { db, logger } = deps;
  let current: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let unchained = 0;
  // The head this instance's last round left: its next round checks it instead of reading it.
  const memo: ChainHeadMemo = {};

  /** Rounds until nothing was left over; a failure is logged and the rows wait for the next. */
  async function drain(): Promise<void> {
    try {
      while ((await chainStagedEntries(db, ROUND_LIMIT, memo)) === ROUND_LIMIT);
    } catch (error) {
      logger.error('audit chaining failed; staged entries stay staged and are retried', { error: (error as Error)?.message ?? String(error) });
    }
  }

  /**
   * Runs this instance's next round (or joins the one queued), which chains what was staged
   * before the call, except what another instance's round held under the chain lock meanwhile
   * and left behind it (see {@link catchUp}, which readers use). Never rejects: a write that
   * committed is not failed afterwards because chaining failed.
   */
  function settle(): Promise<void> {
    if (!current) {
      current = drain().finally(() => (current = undefined));
      return current;
    }
    // A round in progress may have read the staged rows before the caller's commit: wait for
    // the one after it, which every caller arriving meanwhile shares.
    queued ??= current.then(() => {
      queued = undefined;
      return settle();
    });
    return queued;
  }

  /**
   * Starts chaining the `changes` a write just committed. Resolves at once, or, while more than
   * {@link MAX_UNCHAINED_CHANGES} committed changes of this instance wait for a round, once this
   * write's entries are chained: back-pressure, so the chain never falls far behind. Never
   * rejects (see {@link settle}).
   */
  function committed(changes = 1): Promise<void> {
    unchained += changes;
    const chained = settle().then(() => void (unchained -= changes));
    return unchained > MAX_UNCHAINED_CHANGES ? chained : Promise.resolve();
  }

  /**
   * Resolves once every change staged before the call, by any instance, is chained: for readers
   * of the log, and for entries another instance staged and did not chain (it crashed or stopped
   * between commit and round). Rounds until nothing at or below the staged mark read first is
   * left, not just one: a round's take sees the staged rows as they were before it waited for
   * the chain lock, so while another instance's round held the lock it can come back short with
   * older changes still staged behind it. Never rejects; after {@link MAX_CATCH_UP_ROUNDS} rounds
   * that leave changes staged (chaining keeps failing, and says so in the log) it resolves anyway.
   */
  async function catchUp(): Promise<void> {
    // SQLite writes chain inside their own transaction and never stage (see `audit.record`).
    if (db.dialect === 'sqlite') return;
    try {
      const mark = await lastStagedId(db);
      if (mark === undefined) return;
      for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
        await settle();
        if (!(await stagedUpTo(db, mark))) return;
      }
      logger.error('audit chaining did not catch up; the log is read without the changes still staged');
    } catch (error) {
      logger.error('audit chaining check failed', { error: (error as Error)?.message ?? String(error) });
    }
  }

  return {
    settle,
    committed,
    catchUp,
    /** Chains what an earlier run left staged, then sweeps every {@link SWEEP_MS} for more. */
    async start(): Promise<void> {
      await catchUp();
      if (db.dialect === 'postgres') sweeper ??= setInterval(() => void catchUp(), SWEEP_MS).unref();
    },
    /** Stops sweeping and chains what this instance's answered writes left staged. */
    async stop(): Promise<void> {
      if (sweeper) clearInterval(sweeper);
      sweeper = undefined;
      if (unchained > 0) await settle();
      await (queued ?? current);
    },
  };
}

/** The audit chainer of the core. */
export type AuditChainer = ReturnType<typeof createAuditChainer>;
