import { migrateDown, migrateToLatest, migrationStatus } from '@snackbase/db';
import { openDatabase } from '@snackbase/core';
import { boot } from './boot';

type Action = 'up' | 'down' | 'status' | 'history';

/** `snackbase migrate up | down | status | history` (`upgrade`/`downgrade`/`current` as aliases). */
export async function migrateCommand(action: string): Promise<void> {
  const normalized = ({ upgrade: 'up', downgrade: 'down', current: 'status' } as Record<string, Action>)[action] ?? (action as Action);
  if (!['up', 'down', 'status', 'history'].includes(normalized)) throw new Error(`unknown migrate action "${action}": use up, down, status or history`);
  const b = boot();
  const db = openDatabase(b.config, b.logger);
  try {
    if (normalized === 'up') {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? applied.map((n) => `applied ${n}`).join('\n') : 'already up to date');
    } else if (normalized === 'down') {
      const reverted = await migrateDown(db);
      console.log(reverted.length ? `reverted ${reverted.join(', ')}` : 'nothing to revert');
    } else {
      const states = await migrationStatus(db);
      const rows = normalized === 'history' ? states.filter((s) => s.executedAt) : states;
      for (const s of rows) console.log(`${s.executedAt ? 'applied' : 'pending'}  ${s.name}${s.executedAt ? `  ${s.executedAt}` : ''}`);
      const pending = states.filter((s) => !s.executedAt).length;
      if (normalized === 'status') console.log(`${states.length - pending} applied, ${pending} pending (${db.dialect})`);
    }
  } finally {
    await db.close();
  }
}
