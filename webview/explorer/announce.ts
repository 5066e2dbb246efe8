// What the explorer's live region says after Step, Sample and a move in the decoding tree (pure): the token
// that came and its probability under the distribution it was drawn from, e.g. `Step: appended " Paris"
// (62.1 %) as token 13`, or the node the tree now shows. Each text names something new (the token's position,
// the draw's number), so a repeat is announced too.

import type { HostMessage } from '../../src/protocol/explorer';
import type { Candidate } from '../../src/protocol/views';
import type { HostData } from './host-data';

/** The request the page sent last that changes the text: a Step, a draw, a candidate chosen, or a tree node shown. */
export type Asked = 'step' | 'sampleAppend' | 'forceToken' | 'selectNode' | null;

const HOW: Record<'step' | 'sampleAppend' | 'forceToken', string> = { step: 'Step', sampleAppend: 'Sample & append', forceToken: 'You chose' };

/** The words for `message`, given what was on screen before it; null when it brings no Step or Sample result. */
export function announce(before: HostData, message: HostMessage, asked: Asked): string | null {
  if (message.type === 'tally') {
    const { last, total } = message.tally;
    const grew = total > (before.tally?.total ?? 0);
    return last && grew ? `Sample: drew ${quoted(last.text)} (${chance(last.prob)}), draw ${total}` : null;
  }
  if (message.type !== 'session' || !before.session) return null;
  const [was, now] = [before.session, message.session];
  const sameText = was.sentence.id === now.sentence.id && was.sentence.text === now.sentence.text;
  const appended = now.tokens.at(-1);
  if (asked === 'selectNode' && sameText) {
    return appended?.generated ? `Tree: showing ${quoted(appended.text)} as token ${now.tokens.length}` : `Tree: back at the prompt, ${now.tokens.length} tokens`;
  }
  if (!sameText || !appended?.generated || now.tokens.length !== was.tokens.length + 1) return null;
  const drawnFrom: Candidate | undefined = was.next.top.find((candidate) => candidate.id === appended.id);
  const how = HOW[asked === 'sampleAppend' || asked === 'forceToken' ? asked : 'step']; // the host's own Step command asks nothing
  const probability = drawnFrom ? chance(drawnFrom.prob) : `not among the ${was.next.top.length} most likely`;
  return `${how}: appended ${quoted(appended.text)} (${probability}) as token ${now.tokens.length}`;
}

/** The token exactly as GPT-2 has it, leading space included, in straight quotes. */
function quoted(text: string): string {
  return `"${text}"`;
}

/** One decimal, so close candidates are told apart by ear: "62.1 %". */
function chance(prob: number): string {
  return `${(prob * 100).toFixed(1)} %`;
}
