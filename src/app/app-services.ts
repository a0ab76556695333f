import type { Logger } from 'pino';
import { ApiKeysService } from '../auth/api-keys/index.ts';
import { AuthService } from '../auth/auth-service.ts';
import { BackupService, backupSettingsSection } from '../backup/index.ts';
import type { Config } from '../config/index.ts';
import type { Collection } from '../data/collection-types.ts';
import type { CollectionRegistry } from '../data/collections/collection-registry.ts';
import { CollectionsService } from '../data/collections/collections-service.ts';
import { compileFilter } from '../data/filter/index.ts';
import type { RecordHooks } from '../data/records/record-hooks.ts';
import { RecordsService } from '../data/records/records-service.ts';
import { applySystemMigrations } from '../data/system-schema.ts';
import type { DbDriver } from '../db/driver.ts';
import { openDb } from '../db/open-db.ts';
import { applyTableMigrations, type CronService, JOBS_MIGRATIONS, type JobsService } from '../jobs/index.ts';
import { MailService, smtpSettingsSection } from '../mail/index.ts';
import { logsSettingsSection, type Observability } from '../observability/index.ts';
import { type SettingsSection, SettingsService } from '../settings/settings-service.ts';
import { type StorageService, s3SettingsSection, startStorage } from '../storage/index.ts';
import { WEBHOOKS_MIGRATIONS, WebhooksService } from '../webhooks/index.ts';

/** The services of a bootstrapped app. */
export interface BasaltServices {
  db: DbDriver;
  collections: CollectionsService;
  records: RecordsService;
  auth: AuthService;
  apiKeys: ApiKeysService;
  settings: SettingsService;
  jobs: JobsService;
  cron: CronService;
  webhooks: WebhooksService;
  mail: MailService;
  backups: BackupService;
  storage: StorageService;
}

/** What building the services needs from the app. */
export interface ServicesInput {
  config: Config;
  logger: Logger;
  observability: Observability;
  hooks: RecordHooks;
  jobs: JobsService;
  cron: CronService;
}

/**
 * Opens the database, runs the system migrations and builds every service on top of
 * it, in dependency order. If anything fails after the database opened, the database
 * is closed before the error goes up, so a failed start leaves nothing open.
 */
export async function openServices(input: ServicesInput): Promise<BasaltServices> {
  const { config, logger, observability, hooks, jobs, cron } = input;
  const db = observability.instrumentDb(await openDb(config.databaseUrl, { sync: config.dbSync, logger }));
  try {
    await db.transaction(async (tx) => {
      await applySystemMigrations(tx);
      await applyTableMigrations(tx, 'jobs', JOBS_MIGRATIONS);
      await applyTableMigrations(tx, 'webhooks', WEBHOOKS_MIGRATIONS);
    });
    jobs.open(db, logger);
    cron.open(db, logger);
    observability.watchJobs(db);
    const collections = new CollectionsService({
      db,
      migrationsDir: config.migrationsDir,
      checkRule: (collection, rule, registry) => checkRule(db, collection, rule, registry),
    });
    await collections.load();
    hooks.onError = (err, where) => logger.error({ err }, `${where} failed: ${(err as Error)?.message}`);
    const records = new RecordsService({
      hooks: hooks,
      db,
      registry: collections.registry,
      limits: {
        filterMaxLength: config.filterMaxLength,
        filterMaxExpressions: config.filterMaxExpressions,
        perPageMax: config.perPageMax,
        perPageDefault: 30,
        expandMaxDepth: config.expandMaxDepth,
      },
    });
    const settings = new SettingsService(db);
    settings.register(smtpSettingsSection as unknown as SettingsSection);
    settings.register(s3SettingsSection as unknown as SettingsSection);
    settings.register(logsSettingsSection as unknown as SettingsSection);
    settings.register(backupSettingsSection as unknown as SettingsSection);
    await settings.load();
    const mail = new MailService(settings, config.dir, logger);
    const auth = new AuthService(db, collections, records, { mail, settings });
    await auth.ensureSystemCollections();
    const storage = await startStorage({
      url: config.storageUrl,
      sync: config.dbSync,
      s3Prefix: config.s3Prefix,
      db,
      records,
      collections,
      logger: logger,
    });
    const webhooks = new WebhooksService({
      db,
      jobs: jobs,
      records,
      registry: collections.registry,
      allowPrivate: config.webhooksAllowPrivate,
      logger: logger,
    });
    return {
      jobs: jobs,
      cron: cron,
      webhooks,
      db,
      collections,
      records,
      auth,
      apiKeys: new ApiKeysService(db),
      settings,
      mail,
      storage,
      backups: new BackupService({ config, settings, db }),
    };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

/** Compiles a rule against a collection; answers an error message, or null when it is valid. */
function checkRule(
  db: DbDriver,
  collection: Collection,
  rule: string,
  registry: CollectionRegistry,
): string | null {
  try {
    compileFilter(rule, {
      dialect: db.dialect,
      schema: {
        collection: (nameOrId) =>
          nameOrId === collection.id || nameOrId === collection.name ? collection : registry.find(nameOrId),
      },
      collection,
      tableAlias: 't',
      allowHiddenFields: true,
      request: { auth: null, body: {}, query: {}, headers: {}, method: 'GET', context: 'default' },
    });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
