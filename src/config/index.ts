/**
 * Configuration: one schema of every option (`configOptions`), loaded from
 * defaults < config file < `BASALT_*` environment < flags, with errors a person can act on.
 */
export { ConfigError, type ConfigErrorCode, type ConfigSource } from './config-error.ts';
export {
  CONFIG_KEYS,
  type Config,
  type ConfigKey,
  configOptions,
  LOG_LEVELS,
  type LogLevel,
  type OptionDefinition,
} from './config-options.ts';
export type { ValueType } from './config-values.ts';
export { defaultConfig, type LoadConfigInput, loadConfig, redactPassword } from './load-config.ts';
