import type { DbDriver } from '../db/driver.ts';
import type { CollectionsService } from '../data/collections/collections-service.ts';
import type { RecordsService } from '../data/records/records-service.ts';
import type { MailService } from '../mail/index.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

/** What the account flows need; built once by the auth service. */
export interface AuthDeps {
  db: DbDriver;
  collections: CollectionsService;
  records: RecordsService;
  mail: MailService;
  settings: SettingsService;
  throttle: SignInThrottle;
}
