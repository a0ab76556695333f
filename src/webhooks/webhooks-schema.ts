import type { TableMigration } from '../jobs/index.ts';

/** Webhook subscriptions and their delivery log. Times are epoch ms. Append, never edit. */
export const WEBHOOKS_MIGRATIONS: readonly TableMigration[] = [
  {
    name: '001_webhooks_and_deliveries',
    async up(tx) {
      await tx.run(`CREATE TABLE IF NOT EXISTS "_webhooks" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "name" TEXT NOT NULL DEFAULT '',
        "collection" TEXT NOT NULL,
        "events" TEXT NOT NULL,
        "url" TEXT NOT NULL,
        "secret" TEXT NOT NULL,
        "active" INTEGER NOT NULL DEFAULT 1,
        "allowPrivate" INTEGER NOT NULL DEFAULT 0,
        "maxFailures" INTEGER NOT NULL,
        "maxAttempts" INTEGER NOT NULL,
        "backoffMs" INTEGER NOT NULL,
        "failures" INTEGER NOT NULL DEFAULT 0,
        "lastError" TEXT DEFAULT NULL,
        "disabledAt" INTEGER DEFAULT NULL,
        "created" INTEGER NOT NULL,
        "updated" INTEGER NOT NULL
      )`);
      await tx.run(`CREATE TABLE IF NOT EXISTS "_webhook_deliveries" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "webhookId" TEXT NOT NULL,
        "jobId" TEXT NOT NULL,
        "event" TEXT NOT NULL,
        "attempt" INTEGER NOT NULL,
        "url" TEXT NOT NULL,
        "status" INTEGER NOT NULL DEFAULT 0,
        "ok" INTEGER NOT NULL,
        "error" TEXT DEFAULT NULL,
        "durationMs" INTEGER NOT NULL,
        "created" INTEGER NOT NULL
      )`);
      await tx.run(
        `CREATE INDEX IF NOT EXISTS "_webhook_deliveries_hook_idx" ON "_webhook_deliveries" ("webhookId", "created")`,
      );
    },
  },
];
