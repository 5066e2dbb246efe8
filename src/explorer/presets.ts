// The Sentence dropdown's prompts, as data. Layer/head numbers are 0-based, as in the dropdowns.
// Heads named as known roles come from published studies of GPT-2 small: induction heads
// (Olsson et al. 2022, "In-context learning and induction heads": 5.1, 5.5, 6.9, 7.2, 7.10),
// previous-token head 4.11 and name-mover heads 9.6, 9.9 (Wang et al. 2022, "Interpretability in the wild").
import { GPT2_SMALL_CONFIG } from '../engine/config';
import type { Gpt2Config } from '../engine/types';
import type { PairView } from '../protocol/compare';
import type { PresetView } from '../protocol/views';

export const PRESETS: readonly PresetView[] = [
  {
    id: 'france',
    text: 'The capital of Germany is Berlin. The capital of France is',
    layer: 6,
    head: 0,
    note: 'The lesson sentence: watch the last " is" gather what it needs to say " Paris".',
  },
  {
    id: 'induction',
    text: 'Words: amber quartz nineteen velvet river orbit lantern amber quartz nineteen velvet river orbit lantern',
    layer: 5,
    head: 1,
    note: 'Random words, then the same words again: induction head 5.1 makes each repeated word look at the word that followed it the first time.',
  },
  {
    id: 'names',
    text: 'When Mary and John went to the store, John gave a drink to',
    layer: 9,
    head: 9,
    note: 'Who gets the drink? Name-mover head 9.9 looks from the last " to" back at " Mary", the name that was not repeated.',
  },
  {
    id: 'pronoun',
    text: 'The trophy did not fit in the suitcase because it was too',
    layer: 8,
    head: 0,
    note: 'A pronoun to resolve: click " it" and look through the middle layers for the heads that send it back to " trophy" or " suitcase".',
  },
  {
    id: 'glitch',
    text: 'The strange word SolidGoldMagikarp appears in the',
    layer: 0,
    head: 0,
    note: 'A glitch token: " SolidGoldMagikarp" is one vocabulary entry whose embedding barely trained; read it through the logit lens layer by layer.',
  },
  {
    id: 'code',
    text: 'for i in range(10):\n    print(',
    layer: 4,
    head: 11,
    note: 'A line of Python: previous-token head 4.11 makes every token look at the one just before it (a diagonal stripe).',
  },
  {
    id: 'counting',
    text: 'Monday, Tuesday, Wednesday, Thursday, Friday,',
    layer: 7,
    head: 10,
    note: 'A list that counts on: Step a few times and see whether the model keeps the order; 7.10 is one of the induction heads.',
  },
];

/**
 * A preset's Layer/Head on another model: presets are written for GPT-2 small's 12 layers, so the
 * layer keeps its depth (layer 9 of 12 is 18 of gpt2-medium's 24, 5 of distilgpt2's 6), and the head
 * is kept where the model has it, else its last one.
 */
export function presetOnModel(preset: { layer: number; head: number }, config: Pick<Gpt2Config, 'nLayer' | 'nHead'>): { layer: number; head: number } {
  const layer = Math.round((preset.layer * config.nLayer) / GPT2_SMALL_CONFIG.nLayer);
  return { layer: Math.min(layer, config.nLayer - 1), head: Math.min(preset.head, config.nHead - 1) };
}

/**
 * Minimal pairs for the Compare tab: two prompts of the same token count that differ in a word, and
 * the tokens of the patching metric logit(target) − logit(versus) (the clean answer versus the
 * corrupted one). The first is the causal-tracing example of Meng et al. 2022; the names pair is the
 * indirect-object task of Wang et al. 2022.
 */
export const PAIRS: readonly PairView[] = [
  {
    id: 'pair-capital',
    clean: 'The capital of Germany is Berlin. The capital of France is',
    corrupt: 'The capital of Germany is Berlin. The capital of Italy is',
    target: ' Paris',
    versus: ' Rome',
    note: 'France or Italy: where in the network does the country decide between " Paris" and " Rome"?',
  },
  {
    id: 'pair-names',
    clean: 'When Mary and John went to the store, John gave a drink to',
    corrupt: 'When Mary and John went to the store, Mary gave a drink to',
    target: ' Mary',
    versus: ' John',
    note: 'Who repeats decides who gets the drink: patch the second name and watch the name-mover heads of layers 9–10.',
  },
  {
    id: 'pair-agreement',
    clean: 'The key to the old cabinets',
    corrupt: 'The keys to the old cabinet',
    target: ' is',
    versus: ' are',
    note: 'Subject and verb agree across the words between them: where does " key" or " keys" reach the last position?',
  },
];
