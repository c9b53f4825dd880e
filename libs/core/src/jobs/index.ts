export { createJobQueue, JobTimeoutError } from './create-job-queue';
export type { JobQueue, JobQueueConfig, JobQueueDeps, JobWorkerOptions } from './create-job-queue';
export { enqueueJob } from './enqueue-job';
export type { EnqueueInput, JobExecutor } from './enqueue-job';
export { CLAIMABLE_STATUSES, JOB_STATUSES } from './job';
export type { Job, JobHandler, JobStatus } from './job';
export { JOBS_DEFAULT_LIMIT, JOBS_MAX_LIMIT } from './job-admin';
export type { JobListQuery, JobStats } from './job-admin';
export { backoffSeconds, claimNextJob, recoverStaleJobs } from './job-lifecycle';
