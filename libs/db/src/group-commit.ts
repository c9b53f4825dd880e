import { CompiledQuery, type Kysely, type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type Transaction, type UnknownRow } from 'kysely';
import type { GlobalDatabase } from './schema/system-database';

/** One transaction's work waiting for a shared commit, and how to answer its caller. */
export interface GroupMember {
  /** The member's own work, run in `trx` (its own view of the shared transaction). */
  work(trx: Transaction<GlobalDatabase>): Promise<void>;
  /** The shared transaction committed with this member's writes in it. */
  committed(): void;
  /** Nothing of this member was committed: its work failed, or the shared transaction did. */
  failed(error: unknown): void;
}

/**
 * A member's own view of the shared transaction: a distinct object, so what is keyed by
 * transaction (after-commit queues) stays apart, and one that refuses statements once the
 * member's work has settled, as a transaction that has ended does: a statement a member left
 * running would otherwise land in the next member's savepoint.
 */
class MemberView implements KyselyPlugin {
  #open = true;

  close(): void {
    this.#open = false;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (!this.#open) throw new Error('this transaction has already ended');
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

const SAVEPOINT = CompiledQuery.raw('savepoint "sb_group_member"');
const RELEASE = CompiledQuery.raw('release savepoint "sb_group_member"');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint "sb_group_member"');

/**
 * Group commit for SQLite: short write transactions that arrive while the database is busy
 * share one `BEGIN IMMEDIATE … COMMIT`, each member inside its own savepoint. SQLite runs writes
 * one at a time anyway; what sharing saves is the per-transaction cost of taking the write lock
 * and of COMMIT writing every page it touched to the WAL: consecutive creates touch the same
 * index and table pages, written once per group instead of once per write. Measured on the
 * records benchmark, BEGIN and COMMIT were a fifth of an audited create's CPU.
 *
 * Each member stays all-or-nothing on its own: a member whose work fails is rejected at once
 * and rolled back to its savepoint, the others go on (its error may come from rows of earlier
 * members of the group that are not committed yet, as it would from a transaction committed just
 * before). A member whose work succeeds is answered only once the group has committed; if BEGIN
 * or COMMIT fails, every member of the group is rejected (none of it was written) and members
 * not yet started wait for the next group. A group takes whatever is
 * waiting when it starts, up to `maxMembers`; with no contention a group is one transaction.
 */
export class GroupCommit {
  readonly #kysely: Kysely<GlobalDatabase>;
  readonly #maxMembers: number;
  readonly #waiting: GroupMember[] = [];
  #running = false;

  constructor(kysely: Kysely<GlobalDatabase>, maxMembers = 32) {
    this.#kysely = kysely;
    this.#maxMembers = maxMembers;
  }

  /**
   * Queues `member` for the next group. A group starts on the next turn of the event loop, not
   * at once: better-sqlite3 runs statements synchronously, so a transaction started at once
   * would finish before any other request reached its own and no group would ever form. By
   * then, every request whose data arrived in the same turn has queued its transaction.
   */
  add(member: GroupMember): void {
    this.#waiting.push(member);
    if (this.#running) return;
    this.#running = true;
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) await this.#runGroup();
    } finally {
      this.#running = false;
    }
  }

  async #runGroup(): Promise<void> {
    let group: GroupMember[] | undefined;
    const written: GroupMember[] = [];
    const rejected = new Set<GroupMember>();
    let started = 0;
    try {
      await this.#kysely.transaction().execute(async (trx) => {
        // Taken once the write lock is held: members that arrived while it was awaited join.
        group = this.#waiting.splice(0, this.#maxMembers);
        for (const member of group) {
          started++;
          await trx.executeQuery(SAVEPOINT);
          const view = new MemberView();
          try {
            await member.work(trx.withPlugin(view));
          } catch (error) {
            view.close();
            // Rejected with its own error even when the rollback fails (and ends the group).
            rejected.add(member);
            member.failed(error);
            await trx.executeQuery(ROLLBACK_TO);
            await trx.executeQuery(RELEASE);
            continue;
          }
          view.close();
          await trx.executeQuery(RELEASE);
          written.push(member);
        }
      });
    } catch (error) {
      // BEGIN failed: every waiting member would have failed alike on its own.
      if (!group) for (const member of this.#waiting.splice(0)) member.failed(error);
      else this.#abandon(group.slice(0, started).filter((m) => !rejected.has(m)), group.slice(started), error);
      return;
    }
    for (const member of written) member.committed();
  }

  /**
   * The shared transaction failed (a savepoint statement or COMMIT): it rolled back whole, so
   * the members that had started and were not already rejected are rejected now, including
   * those whose work had succeeded; the ones not started go back to the head of the queue.
   */
  #abandon(started: GroupMember[], notStarted: GroupMember[], error: unknown): void {
    for (const member of started) member.failed(error);
    this.#waiting.unshift(...notStarted);
  }
}
