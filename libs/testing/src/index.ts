export { startSmtpInbox } from './smtp-inbox';
export type { SmtpInbox } from './smtp-inbox';
export { createTestDatabase, TEST_DIALECTS, TEST_PG_URL } from './test-database';
export type { TestDatabase, TestDialect } from './test-database';
