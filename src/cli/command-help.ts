import { CONFIG_KEYS, type ConfigKey, configOptions, type OptionDefinition } from '../config/index.ts';
import { COMMON_FLAGS } from './command-args.ts';
import type { Command, FlagSpec } from './command.ts';

/** The program name as help prints it. */
export const PROGRAM = 'basalt';

/** The help text of `command`, reached by `path` (e.g. `basalt superuser upsert`). */
export function formatHelp(command: Command, path: string): string {
  const sections = [command.description ?? command.summary, `Usage:\n  ${usageLine(command, path)}`];
  if (command.subcommands?.length) {
    sections.push(`Commands:\n${table(command.subcommands.map((c) => [c.name, c.summary]))}`);
  }
  if (command.args?.length) {
    sections.push(`Arguments:\n${table(command.args.map((a) => [a.name, a.description]))}`);
  }
  const flags: Record<string, FlagSpec> = { ...command.flags, ...COMMON_FLAGS };
  sections.push(
    `Flags:\n${table(Object.entries(flags).map(([name, spec]) => [flagLabel(name, spec), spec.description]))}`,
  );
  if (command.config === 'full') sections.push(configSection());
  if (command.config === 'brief') {
    sections.push(
      'Configuration:\n  Every configuration flag of `basalt serve --help` applies (--dir, --config, --database-url, …),\n' +
        '  as do the BASALT_* environment variables and <dir>/basalt.json.',
    );
  }
  if (command.examples?.length)
    sections.push(`Examples:\n${command.examples.map((e) => `  ${e}`).join('\n')}`);
  if (command.subcommands?.length) sections.push(`Run '${path} COMMAND --help' for more about a command.`);
  return `${sections.join('\n\n')}\n`;
}

function usageLine(command: Command, path: string): string {
  const parts = [path];
  if (command.subcommands?.length) parts.push(command.run ? '[COMMAND]' : 'COMMAND');
  for (const arg of command.args ?? []) parts.push(arg.optional ? `[${arg.name}]` : arg.name);
  parts.push('[flags]');
  return parts.join(' ');
}

function flagLabel(name: string, spec: FlagSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '    ';
  const value = spec.type === 'string' ? ` ${spec.placeholder ?? 'VALUE'}` : '';
  return `${short}--${name}${value}`;
}

/** Every configuration option: flag, environment variable, default and description. */
function configSection(): string {
  const lines = CONFIG_KEYS.map((key) => {
    const option = configOptions[key] as OptionDefinition<unknown>;
    const value = option.type.placeholder === 'BOOL' ? '' : ` ${option.type.placeholder}`;
    return [
      `  --${option.flag}${value}`,
      `      ${option.description}`,
      `      env ${option.env}${option.inFile === false ? '' : ` · file key ${key}`} · default ${defaultText(key)}`,
    ].join('\n');
  });
  return [
    'Configuration (flags > BASALT_* environment > config file > defaults):',
    ...lines,
    '  The config file is --config PATH, or else <dir>/basalt.json when it exists:',
    '  a JSON object keyed by option name, e.g. {"http": "0.0.0.0:8090", "bodyLimit": "64MiB"}.',
    '  Booleans take --dev, --no-dev or --dev=false; lists are comma-separated or repeated.',
  ].join('\n');
}

/** How help shows an option's default. */
export function defaultText(key: ConfigKey): string {
  const option = configOptions[key] as OptionDefinition<unknown>;
  if (option.defaultText) return option.defaultText;
  return typeof option.default === 'string' ? option.default : 'none';
}

function table(rows: string[][]): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}   ${right}`).join('\n');
}
