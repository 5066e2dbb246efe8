// The names the surprise feature shares with package.json's contributes (test/extension/contributes.test.ts
// holds the two together): its commands, the `when` context of the Escape keybinding, and its colours.
import { RANK_BUCKETS } from './buckets';

export const SURPRISE_COMMANDS = { toggle: 'gpt2Explorer.showTokenSurprise', hide: 'gpt2Explorer.hideTokenSurprise' } as const;

/** True while the active editor shows the surprise: Escape then hides it. */
export const SHOWN_CONTEXT = 'gpt2Explorer.surpriseShown';

/** The bar before the first token of a chunk of a text longer than the context. */
export const CHUNK_START_COLOR = 'gpt2Explorer.surprise.chunkStartBorder';

/** The setting that picks what the colours say (buckets.ts COLOR_BY), under `gpt2Explorer.`. */
export const COLOR_BY_SETTING = 'surprise.colorBy';

/** Every ThemeColor the feature paints with. */
export const SURPRISE_COLORS: readonly string[] = [...RANK_BUCKETS.map((bucket) => bucket.color), CHUNK_START_COLOR];
