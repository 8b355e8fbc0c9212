export {
  createInProcessRunner,
  type InProcessRunnerOptions,
  type JobRunner,
  type SnapshotExecutor,
} from './job-runner.js';
export {
  createTargetServer,
  type DeliveryEndpoint,
  type DeliveryNames,
  type TargetServer,
  type TargetServerOptions,
} from './target-server.js';
export { isCronExpression, parseCronSchedule, type CronSchedule } from './cron-schedule.js';
export {
  createRefreshScheduler,
  type RefreshScheduler,
  type RefreshSchedulerOptions,
} from './refresh-scheduler.js';
export { createExpirySweeper, type ExpirySweeper, type ExpirySweeperOptions } from './expiry-sweeper.js';
export { createGatewayMetrics, type GatewayMetrics } from './gateway-metrics.js';
export {
  createWebhookNotifier,
  webhookSignature,
  WEBHOOK_HEADERS,
  type WebhookEndpoint,
  type WebhookNotice,
  type WebhookNotifier,
  type WebhookNotifierOptions,
} from './webhook-notifier.js';
export {
  createPgBossRunner,
  SNAPSHOT_QUEUE,
  UNIT_QUEUE,
  type PgBossRunnerOptions,
  type UnitExecutor,
} from './pg-boss-runner.js';
export type { JobUnitDispatcher, RunContext } from './job-runs.js';
export {
  createJobProcessPool,
  type FromJobProcess,
  type JobProcessPool,
  type JobProcessPoolOptions,
  type JobProcessRun,
  type ToJobProcess,
} from './job-process-pool.js';
