export {
  createInProcessRunner,
  type InProcessRunnerOptions,
  type JobRunner,
  type SnapshotExecutor,
} from './job-runner.js';
