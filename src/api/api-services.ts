import type { ApiKeysService } from '../auth/api-keys/index.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { DbDriver } from '../db/driver.ts';
import type { CronService, JobsService } from '../jobs/index.ts';
import type { WebhooksService } from '../webhooks/index.ts';
import type { CollectionsService } from '../data/collections/collections-service.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import type { MailService } from '../mail/index.ts';
import type { RealtimeService } from '../realtime/index.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { StorageService } from '../storage/index.ts';
import type { RecordRequestHooks } from './record-request-hooks.ts';

/** The services route handlers use; handlers never reach a driver except through these. */
export interface ApiServices {
  db: DbDriver;
  collections: CollectionsService;
  records: RecordsService;
  auth: AuthService;
  apiKeys: ApiKeysService;
  settings: SettingsService;
  mail: MailService;
  storage: StorageService;
  jobs: JobsService;
  cron: CronService;
  webhooks: WebhooksService;
  /** realtime, when the server runs it (OAuth2 redirects are delivered through it) */
  realtime?: RealtimeService;
  /** request-level hooks of the records API registered by app code, if any */
  requestHooks?: RecordRequestHooks;
  /** readiness: false while draining */
  isReady(): boolean;
}
