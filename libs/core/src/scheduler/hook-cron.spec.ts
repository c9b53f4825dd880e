import { cronProblem, describeCron, nextCronRun } from './hook-cron';
import { renderTemplates } from './hook-templates';

describe('hook cron expressions', () => {
  it.each(['* * * * *', '*/5 * * * *', '0 2 * * *', '0 9 * JAN-MAR MON-FRI', '0,30 8-18/2 1 * 0', '0 0 * * 7'])('accepts %s', (expr) => {
    expect(cronProblem(expr)).toBeNull();
  });

  it.each(['* * * *', '* * * * * *', '61 * * * *', '0 0 L * *', '0 0 * * MON#2', '0 0 ? * *', '0 0 1W * *', '0 0 * * +MON', 'a b c d e'])('rejects %s', (expr) => {
    expect(cronProblem(expr)).toEqual(expect.any(String));
  });

  it('computes the next whole minute in UTC, strictly after now', () => {
    expect(nextCronRun('*/5 * * * *', new Date('2026-01-01T00:02:30Z'))).toBe('2026-01-01T00:05:00.000Z');
    expect(nextCronRun('* * * * *', new Date('2026-01-01T00:05:00Z'))).toBe('2026-01-01T00:06:00.000Z');
  });

  it('uses vixie semantics: day of month OR day of week when both are restricted', () => {
    // 2026-01-02 is a Friday, the 13th comes later: either matches.
    expect(nextCronRun('0 0 13 * 5', new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-02T00:00:00.000Z');
  });

  it('describes expressions', () => {
    expect(describeCron('* * * * *')).toBe('Every minute');
    expect(describeCron('30 2 * * *')).toBe('At 02:30 UTC');
  });
});

describe('hook templates', () => {
  const scope = { record: { id: 'r1', total: 5, tags: ['a'] }, auth: { user_id: 'u1', email: 'u@x.test' }, now: '2026-01-01T00:00:00.000Z' };

  it('keeps the value of a whole placeholder and interpolates text', () => {
    expect(renderTemplates({ n: '{{record.total}}', s: 'Order {{ record.id }} by {{auth.email}} at {{now}}', list: ['{{record.tags}}'] }, scope)).toEqual({
      n: 5,
      s: 'Order r1 by u@x.test at 2026-01-01T00:00:00.000Z',
      list: [['a']],
    });
  });

  it('renders missing record fields as null/empty and leaves unknown names as written', () => {
    expect(renderTemplates('{{record.nope}}', scope)).toBeNull();
    expect(renderTemplates('x{{record.nope}}y {{request.body}}', scope)).toBe('xy {{request.body}}');
  });
});
