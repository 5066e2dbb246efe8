// A token's text with its whitespace made visible: GPT-2 tokens usually carry their leading space,
// and the lesson wants the learner to see it.

const VISIBLE: Record<string, string> = { ' ': '·', '\n': '↵', '\t': '⇥', '\r': '␍' };

export function TokenText({ text }: { text: string }) {
  const runs = text.match(/\s+|\S+/g) ?? [];
  return (
    <>
      {runs.map((run, i) =>
        /^\s/.test(run) ? (
          <span key={i} class="ws">
            {[...run].map((ch) => VISIBLE[ch] ?? '·').join('')}
          </span>
        ) : (
          <span key={i}>{run}</span>
        ),
      )}
    </>
  );
}

/** Words for screen readers and titles: "space + capital". */
export function spokenToken(text: string): string {
  const trimmed = text.replace(/^\s+/, '');
  const lead = text.length - trimmed.length;
  const spaces = lead === 0 ? '' : lead === 1 ? 'space + ' : `${lead} spaces + `;
  return `${spaces}${trimmed || '(whitespace)'}`;
}

/** A token's text in quotes with visible whitespace, for tooltips and canvas labels. */
export function shownToken(text: string): string {
  return text.replace(/\s/g, (ch) => VISIBLE[ch] ?? '·');
}

/** A candidate row's tooltip: the whole token (a long one is cut with "…" in its column) and its id. */
export function candidateTitle(candidate: { text: string; id: number }): string {
  return `“${shownToken(candidate.text)}”, id ${candidate.id}`;
}
