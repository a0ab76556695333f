import type { DbDriver } from '../db/driver.ts';
import { ApiError, type ErrorData, fieldError } from '../lib/errors.ts';
import { isPlainObject, parseJsonOr } from '../lib/json.ts';
import { nowString } from '../lib/time.ts';

/** Application settings in PocketBase's shape; later components add their sections. */
export interface Settings {
  meta: { appName: string; appURL: string; senderName: string; senderAddress: string; hideControls: boolean };
  batch: { enabled: boolean; maxRequests: number; timeout: number; maxBodySize: number };
  [section: string]: Record<string, unknown>;
}

/** A section's defaults and checks; registered by the component that owns the section. */
export interface SettingsSection<T extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  defaults(): T;
  /** problems keyed by option name, or null */
  validate(value: T): ErrorData | null;
  /** option names whose values are secrets (dotted for nested ones, `s3.secret`): stored, never answered in clear */
  secrets?: string[];
}

const meta: SettingsSection<Settings['meta']> = {
  name: 'meta',
  defaults: () => ({
    appName: 'Acme',
    appURL: 'http://localhost:8090',
    senderName: 'Support',
    senderAddress: 'support@example.com',
    hideControls: false,
  }),
  validate(v) {
    const problems: ErrorData = {};
    if (typeof v.appName !== 'string' || !v.appName.trim() || v.appName.length > 255)
      problems.appName = fieldError('validation_required', 'Cannot be blank (at most 255 characters).');
    if (typeof v.appURL !== 'string' || !URL.canParse(v.appURL))
      problems.appURL = fieldError('validation_is_url', 'Must be a valid URL.');
    if (typeof v.senderAddress !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(v.senderAddress))
      problems.senderAddress = fieldError('validation_is_email', 'Must be a valid email address.');
    if (typeof v.hideControls !== 'boolean')
      problems.hideControls = fieldError('validation_invalid_bool', 'Must be true or false.');
    return Object.keys(problems).length ? problems : null;
  },
};

const batch: SettingsSection<Settings['batch']> = {
  name: 'batch',
  defaults: () => ({ enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 }),
  validate(v) {
    const problems: ErrorData = {};
    if (typeof v.enabled !== 'boolean')
      problems.enabled = fieldError('validation_invalid_bool', 'Must be true or false.');
    for (const key of ['maxRequests', 'timeout', 'maxBodySize'] as const) {
      if (!Number.isInteger(v[key]) || v[key] < 0)
        problems[key] = fieldError(
          'validation_min_greater_equal_than_required',
          'Must be a whole number, 0 or more.',
        );
    }
    // PocketBase: maxRequests and timeout are required (non-zero) while batch is enabled
    for (const key of ['maxRequests', 'timeout'] as const) {
      if (v.enabled === true && v[key] === 0 && !problems[key])
        problems[key] = fieldError('validation_required', 'Cannot be blank.');
    }
    return Object.keys(problems).length ? problems : null;
  },
};

const SECRET_MASK = '******';

/** Settings stored as one JSON value in `_params`, read from memory, changed with validation. */
export class SettingsService {
  readonly #db: DbDriver;
  readonly #sections = new Map<string, SettingsSection>();
  #current: Settings | null = null;
  readonly #listeners: Array<(settings: Settings) => void> = [];

  constructor(db: DbDriver) {
    this.#db = db;
    this.register(meta as unknown as SettingsSection);
    this.register(batch as unknown as SettingsSection);
  }

  /** Calls `listener` after every stored change (e.g. to reschedule a cron from new settings). */
  onChange(listener: (settings: Settings) => void): void {
    this.#listeners.push(listener);
  }

  /** Adds a section (components call this before bootstrap). */
  register(section: SettingsSection): void {
    this.#sections.set(section.name, section);
  }

  async load(): Promise<void> {
    const row = await this.#db.get<{ value: string }>(
      `SELECT "value" FROM "_params" WHERE "id" = 'settings'`,
    );
    this.#current = this.#withDefaults(parseJsonOr<Record<string, Record<string, unknown>>>(row?.value, {}));
  }

  /** The settings, secrets included (for the server's own use). */
  get(): Settings {
    if (!this.#current) throw new Error('settings are read before bootstrap');
    return this.#current;
  }

  /** The settings as answered to clients: secrets masked. */
  redacted(): Settings {
    const copy = structuredClone(this.get());
    for (const section of this.#sections.values()) {
      for (const key of section.secrets ?? []) {
        const holder = ownerOf(copy[section.name], key);
        if (holder?.[leafOf(key)]) holder[leafOf(key)] = '';
      }
    }
    return copy;
  }

  /** Merges a partial update section by section, validates all, stores. */
  async update(patch: unknown): Promise<Settings> {
    if (!isPlainObject(patch)) throw new ApiError('validation_failed', 'Settings must be a JSON object.');
    const next = structuredClone(this.get());
    const problems: ErrorData = {};
    for (const [name, value] of Object.entries(patch)) {
      const section = this.#sections.get(name);
      if (!section) continue; // unknown sections are ignored, as PocketBase does
      if (!isPlainObject(value)) {
        problems[name] = fieldError('validation_invalid_object', 'Must be an object.');
        continue;
      }
      // nested objects merge key by key, as PocketBase decodes a patch onto the stored settings
      const merged = mergeDeep(next[name], this.#keepSecrets(section, next[name], value));
      const errors = section.validate(merged);
      if (errors) problems[name] = errors;
      next[name] = merged;
    }
    if (Object.keys(problems).length)
      throw new ApiError('validation_failed', 'Failed to update the settings.', problems);
    await this.#db.transaction(async (tx) => {
      const now = nowString();
      await tx.run(
        `INSERT INTO "_params" ("id","value","created","updated") VALUES ('settings', ?, ?, ?)
         ON CONFLICT ("id") DO UPDATE SET "value" = excluded."value", "updated" = excluded."updated"`,
        [JSON.stringify(next), now, now],
      );
    });
    this.#current = next;
    for (const listener of this.#listeners) listener(next);
    return next;
  }

  /** An empty or masked secret in a patch means "keep the stored one". */
  #keepSecrets(
    section: SettingsSection,
    current: Record<string, unknown>,
    value: Record<string, unknown>,
  ): Record<string, unknown> {
    const out = structuredClone(value);
    for (const key of section.secrets ?? []) {
      const holder = ownerOf(out, key);
      const leaf = leafOf(key);
      // nested secrets (`s3.secret`) also keep the stored value when the patch leaves them out
      const absent = key.includes('.') && holder && holder[leaf] === undefined;
      if (holder && (absent || holder[leaf] === '' || holder[leaf] === SECRET_MASK))
        holder[leaf] = ownerOf(current, key)?.[leafOf(key)];
    }
    return out;
  }

  #withDefaults(stored: Record<string, Record<string, unknown>>): Settings {
    const out: Record<string, Record<string, unknown>> = {};
    for (const section of this.#sections.values())
      out[section.name] = { ...section.defaults(), ...(stored[section.name] ?? {}) };
    return out as Settings;
  }
}

/** The object holding a dotted option (`s3.secret` → the `s3` object), or undefined. */
function ownerOf(
  root: Record<string, unknown> | undefined,
  path: string,
): Record<string, unknown> | undefined {
  let node: unknown = root;
  for (const part of path.split('.').slice(0, -1)) node = isPlainObject(node) ? node[part] : undefined;
  return isPlainObject(node) ? node : undefined;
}

function leafOf(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** `patch` laid over `base`: plain objects merge recursively, anything else replaces. */
function mergeDeep(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch))
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? mergeDeep(out[key], value) : value;
  return out;
}
