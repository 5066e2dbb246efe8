// Command-line arguments: node's parseArgs (unknown options are errors) plus checked numbers.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { NumberRange } from '../protocol/schema';

/** A mistake in how the command was called: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: Options): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A string option that must be given. */
export function required(args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** An integer option within [min, max], or `fallback` when absent. */
export function integer(args: ParsedArgs, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = number(args, name, fallback);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${args.values[name]}`);
  }
  return value;
}

/** A number option within `range` (an integer when the range says so), or `fallback` when absent. */
export function ranged(args: ParsedArgs, name: string, fallback: number, range: NumberRange): number {
  const { min = -Infinity, max = Infinity } = range;
  if (range.integer) return integer(args, name, fallback, min, max);
  const value = number(args, name, fallback);
  if (value < min || value > max) throw new UsageError(`--${name} must be from ${min} to ${max}, got ${value}`);
  return value;
}

/** A finite number option, or `fallback` when absent. */
export function number(args: ParsedArgs, name: string, fallback: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got ${JSON.stringify(raw)}`);
  return value;
}
