/** The hook registry: ordered handler chains with ids, priorities, tags and `next()`. */
export { Hook, type HookEvent, type HookFn, type HookHandler, TaggedHook } from './hook.ts';
