// --target / --versus and their -id forms, as attribute and patch read them: one token, by its text or its id.
import type { Gpt2Tokenizer } from '../engine/tokenizer';
import { integer, UsageError, type ParsedArgs } from './args';

/** --NAME TEXT (exactly one token) or --NAME-id N, or null when neither is given. */
export function tokenChoice(args: ParsedArgs, name: 'target' | 'versus', tokenizer: Gpt2Tokenizer, vocabSize: number): number | null {
  const text = args.values[name];
  const given = args.values[`${name}-id`] !== undefined;
  if (typeof text === 'string' && given) throw new UsageError(`give either --${name} or --${name}-id, not both`);
  if (given) return integer(args, `${name}-id`, 0, 0, vocabSize - 1);
  if (typeof text !== 'string') return null;
  const tokens = tokenizer.encode(text);
  if (tokens.length !== 1) {
    const pieces = tokens.map((token) => `${JSON.stringify(token.text)} (${token.id})`).join(' + ');
    throw new UsageError(`--${name} must be exactly one token; ${JSON.stringify(text)} is ${tokens.length}: ${pieces || 'nothing'}`);
  }
  return tokens[0].id;
}
