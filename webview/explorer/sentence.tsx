// The Sentence dropdown: the presets, plus the prompt from an editor selection or CodeLens when that
// is what the session shows.

import type { PresetView, SessionView } from '../../src/protocol/views';
import { Choice, Dropdown } from '../ui/toolkit';

interface SentenceProps {
  presets: PresetView[];
  session: SessionView | null;
  onPick: (id: string) => void;
}

const NOTHING = '';

export function SentencePicker({ presets, session, onPick }: SentenceProps) {
  const choices: Choice[] = presets.map((preset) => ({ value: preset.id, label: preset.text }));
  const sentence = session?.sentence;
  if (sentence && !presets.some((preset) => preset.id === sentence.id)) {
    choices.unshift({ value: sentence.id, label: `${SOURCE_LABEL[sentence.source]}: ${sentence.text}` });
  }
  if (!sentence) choices.unshift({ value: NOTHING, label: 'Pick a sentence…' });
  const note = presets.find((preset) => preset.id === sentence?.id)?.note;
  return (
    <div class="sentence">
      <Dropdown label="Sentence" value={sentence?.id ?? NOTHING} choices={choices} onChange={(id) => id !== NOTHING && onPick(id)} wide />
      {note && <p class="hint">{note}</p>}
    </div>
  );
}

const SOURCE_LABEL: Record<SessionView['sentence']['source'], string> = {
  preset: 'Preset',
  selection: 'Selection',
  codelens: 'From the editor',
  custom: 'Custom',
};
