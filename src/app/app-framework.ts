import type {
  RecordCreateEvent,
  RecordDeleteEvent,
  RecordSuccessEvent,
  RecordUpdateEvent,
} from '../data/records/record-hooks.ts';
import { RecordHooks } from '../data/records/record-hooks.ts';
import { type RecordRequestEvent, RecordRequestHooks } from '../api/record-request-hooks.ts';
import { Hook, type HookEvent, TaggedHook } from '../hooks/index.ts';
import { RouteRegistry } from './app-routes.ts';

/** `onBootstrap`: the app's services are open (database migrated, collections loaded), nothing serves yet. */
export interface BootstrapEvent extends HookEvent {
  app: BasaltFramework;
}

/** The part of the jobs service a reload needs: which queues have handlers, and removing one. */
export interface QueueHandlers {
  queues(): string[];
  unhandle(queue: string): Promise<boolean>;
}

/** The part of the cron service a reload needs. */
export interface CronSchedules {
  list(): { id: string }[];
  remove(id: string): boolean;
}

/** Registrations taken by `snapshotRegistrations`, put back by `restoreRegistrations`. */
export type RegistrationSnapshot = {
  hooks: unknown[];
  routes: unknown;
  jobs?: { service: QueueHandlers; queues: string[] };
  cron?: { service: CronSchedules; ids: string[] };
};

/**
 * The part of an app that app code extends: record hooks and custom routes. Everything
 * here can be used before the app starts; the registrations take effect when it does.
 * Hook methods follow PocketBase's names; pass collection names (or ids) to limit a
 * handler to those collections.
 */
export class BasaltFramework {
  /** the record hooks behind the `onRecord*` methods */
  readonly hooks = new RecordHooks();
  /** custom HTTP routes: `app.routes.get('/api/hello', handler, { auth: 'record' })` */
  readonly routes = new RouteRegistry();
  /** the request-level hooks of the records API behind the `onRecord*Request` methods */
  readonly requestHooks = new RecordRequestHooks();
  readonly #bootstrapHook = new Hook<BootstrapEvent>();

  /**
   * After the app's services open, before it serves (and before any CLI command runs on
   * them): create collections on first start, seed data. A throw stops the start.
   */
  onBootstrap(): TaggedHook<BootstrapEvent> {
    return new TaggedHook(this.#bootstrapHook, []);
  }

  /** Runs the bootstrap handlers (called by the app once its services are open). */
  protected async triggerBootstrap(): Promise<void> {
    await this.#bootstrapHook.trigger({ app: this, next: async () => {} });
  }

  /** Before a record is created, inside its transaction; `e.next()` inserts it. */
  onRecordCreate(...collections: string[]): TaggedHook<RecordCreateEvent> {
    return new TaggedHook(this.hooks.create, collections);
  }

  /** Before a record is updated, inside its transaction; `e.next()` writes it. */
  onRecordUpdate(...collections: string[]): TaggedHook<RecordUpdateEvent> {
    return new TaggedHook(this.hooks.update, collections);
  }

  /** Before a record is deleted, inside its transaction; `e.next()` deletes it (and cascades). */
  onRecordDelete(...collections: string[]): TaggedHook<RecordDeleteEvent> {
    return new TaggedHook(this.hooks.delete, collections);
  }

  /** After a created record has been committed; errors are logged, the request still succeeds. */
  onRecordAfterCreateSuccess(...collections: string[]): TaggedHook<RecordSuccessEvent> {
    return new TaggedHook(this.hooks.afterCreate, collections);
  }

  /** After an updated record has been committed; errors are logged, the request still succeeds. */
  onRecordAfterUpdateSuccess(...collections: string[]): TaggedHook<RecordSuccessEvent> {
    return new TaggedHook(this.hooks.afterUpdate, collections);
  }

  /** After a deleted record (one event per cascaded record too) has been committed. */
  onRecordAfterDeleteSuccess(...collections: string[]): TaggedHook<RecordSuccessEvent> {
    return new TaggedHook(this.hooks.afterDelete, collections);
  }

  /** Around the records API list handler; `e.response` is the page after `next()`. */
  onRecordsListRequest(...collections: string[]): TaggedHook<RecordRequestEvent> {
    return new TaggedHook(this.requestHooks.list, collections);
  }

  /** Around the records API view handler; `e.response` is the record's API form after `next()`. */
  onRecordViewRequest(...collections: string[]): TaggedHook<RecordRequestEvent> {
    return new TaggedHook(this.requestHooks.view, collections);
  }

  /** Around the records API create handler (outside the write's transaction; see `onRecordCreate`). */
  onRecordCreateRequest(...collections: string[]): TaggedHook<RecordRequestEvent> {
    return new TaggedHook(this.requestHooks.create, collections);
  }

  /** Around the records API update handler (outside the write's transaction). */
  onRecordUpdateRequest(...collections: string[]): TaggedHook<RecordRequestEvent> {
    return new TaggedHook(this.requestHooks.update, collections);
  }

  /** Around the records API delete handler (outside the write's transaction). */
  onRecordDeleteRequest(...collections: string[]): TaggedHook<RecordRequestEvent> {
    return new TaggedHook(this.requestHooks.delete, collections);
  }

  /** The registrations as they are now (before a hooks folder adds its own). */
  protected snapshotRegistrations(
    others: { jobs?: QueueHandlers; cron?: CronSchedules } = {},
  ): RegistrationSnapshot {
    const { jobs, cron } = others;
    return {
      hooks: this.#allHooks().map((h) => h.snapshot()),
      routes: this.routes.snapshot(),
      jobs: jobs && { service: jobs, queues: jobs.queues() },
      cron: cron && { service: cron, ids: cron.list().map((c) => c.id) },
    };
  }

  /** Puts back registrations taken by `snapshotRegistrations` (a dev reload drops the folder's). */
  protected async restoreRegistrations(snapshot: RegistrationSnapshot): Promise<void> {
    this.#allHooks().forEach((hook, i) => {
      hook.restore(snapshot.hooks[i]);
    });
    this.routes.restore(snapshot.routes);
    // job handlers and schedules added since the snapshot came from the hooks folder: drop them
    const { jobs, cron } = snapshot;
    for (const queue of jobs?.service.queues() ?? []) {
      if (!jobs?.queues.includes(queue)) await jobs?.service.unhandle(queue);
    }
    for (const { id } of cron?.service.list() ?? []) if (!cron?.ids.includes(id)) cron?.service.remove(id);
  }

  #allHooks(): Hook<any>[] {
    return [...this.hooks.all(), ...this.requestHooks.all(), this.#bootstrapHook];
  }
}

/** Options of `app.serve()`. */
export interface ServeOptions {
  /** a folder of hooks files to load before serving (`basalt serve` passes `--hooksDir`) */
  hooksDir?: string;
  /** reload the hooks folder when it changes: close the app and start it again on the same port */
  watchHooks?: boolean;
}
