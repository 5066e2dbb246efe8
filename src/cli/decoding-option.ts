// A decoding value given on the command line: its default and its range are the contract's
// (src/protocol/decoding.ts), as for the settings, the commands and the panel's controls.
import { DECODING_LIMITS, DEFAULT_DECODING, type DecodingKey } from '../protocol/decoding';
import { ranged, type ParsedArgs } from './args';

/** The value of --`flag` for the setting `key`, or its default when absent; a UsageError out of range. */
export function decodingOption(args: ParsedArgs, flag: string, key: DecodingKey): number {
  return ranged(args, flag, DEFAULT_DECODING[key], DECODING_LIMITS[key]);
}
