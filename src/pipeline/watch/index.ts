export { approveFile, rejectFile, type ReviewContext } from './review.js';
export type { ReviewChanges, ProposedSettings } from './review-settings.js';
export { watchStatus, type WatchStatus } from './status.js';
export { defaultDropRoot, ensureDropTree } from './tree.js';
export { runWatcher, type WatchEvent, type WatchOptions, type WatchSummary } from './watcher.js';
export type { FileOutcome } from './process-file.js';
