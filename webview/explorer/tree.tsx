// The decoding tree (issue 18): why the token of the node shown came out — each filter in order with what it
// removed and kept, then the draw and the stops checked after it — and every token generated so far as a tree the learner walks back through.
// Any node is a button that shows it again; any token of the explanation is a button that appends it instead,
// at that step, which starts a branch. Runs of single children are drawn inline as text, a branch point opens
// one nested list item per branch, so a long path is one line and only branch points nest. Plain DOM: buttons
// in lists, reached with Tab; the arrow keys move along the buttons of the tree too.

import type { ExplorerMessage } from '../../src/protocol/explorer';
import type { Candidate, DecodingTreeView, FilterStepView, PickView, SessionView, TreeNodeView } from '../../src/protocol/views';
import { ExportButtons } from './export-buttons';
import { percent } from './lens';
import { shownToken, spokenToken, TokenText } from './token-text';

type Post = (message: ExplorerMessage) => void;

const HOW: Record<PickView['how'], string> = { step: 'Step', sample: 'Sample & append', forced: 'you' };
const FILTER: Record<FilterStepView['filter'], string> = { temperature: 'Temperature', 'top-k': 'Top-k', 'top-p': 'Top-p' };

export function DecodingTreePanel({ session, post }: { session: SessionView; post: Post }) {
  const tree = session.tree;
  if (!tree) return null;
  const shown = tree.current === null ? null : tree.nodes[tree.current];
  // A token of the explanation goes in at the step the explanation is about: below the shown node's parent.
  const tryInstead = (id: number) => {
    if (shown) post({ type: 'selectNode', node: shown.parent });
    post({ type: 'forceToken', id });
  };
  return (
    <section class="panel decoding-tree" aria-labelledby="tree-title">
      <h2 id="tree-title">Decoding tree</h2>
      {shown && tree.pick ? <PickChain node={shown} pick={tree.pick} onTry={tryInstead} /> : <p class="hint">At the prompt: no token picked yet. Step, Sample &amp; append, or click a candidate above.</p>}
      <TreeList tree={tree} onSelect={(node) => post({ type: 'selectNode', node })} />
      <p class="hint">
        {tree.nodes.length} token{tree.nodes.length === 1 ? '' : 's'} in the tree. Click a token to go back to it; click a candidate (above or in the table) to append it instead and start a branch.
      </p>
      <ExportButtons session={session} data={{ type: 'tree', view: tree }} post={post} image="dom" />
    </section>
  );
}

function PickChain({ node, pick, onTry }: { node: TreeNodeView; pick: PickView; onTry: (id: number) => void }) {
  return (
    <div class="pick">
      <p class="pick__title">
        Why <strong class="generated"><TokenText text={node.token.text} /></strong> came out (picked by {HOW[pick.how]}, {percent(node.token.prob)}):
      </p>
      <table class="pick__filters">
        <caption class="visually-hidden">The filters in order, what each removed and what it kept</caption>
        <thead>
          <tr>
            <th scope="col">Filter</th>
            <th scope="col">In play</th>
            <th scope="col">Removed</th>
            <th scope="col">Most likely left</th>
          </tr>
        </thead>
        <tbody>
          {pick.filters.map((step) => (
            <tr key={step.filter}>
              <th scope="row">
                {FILTER[step.filter]} {step.setting}
              </th>
              <td>
                {step.before.toLocaleString('en')} → {step.kept.toLocaleString('en')}
              </td>
              <td>
                {step.before === step.kept ? (step.filter === 'temperature' ? 'none (it reshapes)' : 'none') : <>{percent(step.removedMass)} of the mass: <Tokens list={step.removedBest} onTry={onTry} /></>}
              </td>
              <td>
                <Tokens list={step.keptBest} onTry={onTry} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="pick__draw">{drawWords(node, pick)}</p>
      <Stops pick={pick} />
    </div>
  );
}

/** The chain's last link: each stop the loop checks after a token, where this one stands, and the one that ended it. */
function Stops({ pick: { stops, stop } }: { pick: PickView }) {
  const n = (value: number) => value.toLocaleString('en');
  const checks: [NonNullable<PickView['stop']>, string, string][] = [
    ['eos', '<|endoftext|>', stop === 'eos' ? 'this token is it' : 'not this token'],
    ['max_tokens', `at most ${n(stops.maxNewTokens)} new tokens`, `this is new token ${n(stops.generated)}`],
    ['context_full', `the context of ${n(stops.context)} tokens`, `it holds ${n(stops.tokens)}`],
  ];
  return (
    <div class="pick__stops">
      <p class="pick__stops-title">Then the stops, checked after every token:</p>
      <ul>
        {checks.map(([reason, name, where]) => (
          <li key={reason} class={reason === stop ? 'stop' : undefined}>
            {name}: {where}
            {reason === stop && <strong> — generation stops here</strong>}
          </li>
        ))}
      </ul>
      {stop === null && <p class="hint">None holds: generation goes on from this token.</p>}
    </div>
  );
}

function drawWords(node: TreeNodeView, pick: PickView): string {
  const token = `“${shownToken(node.token.text)}”`;
  if (pick.draw) {
    const { seed, index, u, low, high } = pick.draw;
    return `Draw ${index + 1} of seed ${seed}: u = ${u.toFixed(4)} fell in [${low.toFixed(4)}, ${high.toFixed(4)}) of the running sum over the tokens left, which is ${token}.`;
  }
  if (pick.how === 'step') return `Step takes the most likely token left: ${token}.`;
  return node.token.prob === 0 ? `You chose ${token}, which the filters had removed (probability 0).` : `You chose ${token} instead of a draw.`;
}

function Tokens({ list, onTry }: { list: Candidate[]; onTry: (id: number) => void }) {
  return (
    <span class="pick__tokens">
      {list.map((candidate) => (
        <button key={candidate.id} type="button" class="pick__token" aria-label={`${spokenToken(candidate.text)} ${percent(candidate.prob)}: append it at this step instead`} title={`id ${candidate.id}, ${percent(candidate.prob)}`} onClick={() => onTry(candidate.id)}>
          <TokenText text={candidate.text} /> <span class="hint">{percent(candidate.prob)}</span>
        </button>
      ))}
    </span>
  );
}

function TreeList({ tree, onSelect }: { tree: DecodingTreeView; onSelect: (node: number | null) => void }) {
  const children = childrenOf(tree.nodes);
  const onPath = pathTo(tree);
  const nodeButton = (node: TreeNodeView) => (
    <button
      key={node.id}
      type="button"
      class={`tree__node tree__node--${node.how}${onPath.has(node.id) ? ' tree__node--path' : ''}${node.id === tree.current ? ' tree__node--current' : ''}`}
      aria-current={node.id === tree.current ? 'true' : undefined}
      aria-label={`${spokenToken(node.token.text)}, ${percent(node.token.prob)}, by ${HOW[node.how]}`}
      title={`id ${node.token.id}, ${percent(node.token.prob)}, by ${HOW[node.how]}`}
      onClick={() => onSelect(node.id)}
    >
      <TokenText text={node.token.text} />
    </button>
  );
  /** The run from `first` on while each node has one child, then the branches below the last as a nested list. */
  const run = (first: TreeNodeView | null) => {
    const line = [];
    let below = children.get(first?.id ?? null) ?? [];
    if (first) line.push(nodeButton(first));
    while (below.length === 1) {
      line.push(nodeButton(below[0]));
      below = children.get(below[0].id) ?? [];
    }
    return (
      <>
        {line}
        {below.length > 1 && <ul class="tree__branches">{below.map((child) => <li key={child.id}>{run(child)}</li>)}</ul>}
      </>
    );
  };
  return (
    <ul class="tree" aria-label="Generated tokens as a tree" onKeyDown={moveFocus}>
      <li>
        <button type="button" class={`tree__node tree__prompt${tree.current === null ? ' tree__node--current' : ''}`} aria-current={tree.current === null ? 'true' : undefined} onClick={() => onSelect(null)}>
          Prompt
        </button>
        {run(null)}
      </li>
    </ul>
  );
}

/** Left and right arrows (and Home, End) move the focus along the tree's buttons in reading order. */
function moveFocus(event: KeyboardEvent): void {
  const keys: Record<string, (at: number, n: number) => number> = { ArrowRight: (at, n) => Math.min(n - 1, at + 1), ArrowLeft: (at) => Math.max(0, at - 1), Home: () => 0, End: (_, n) => n - 1 };
  const move = keys[event.key];
  const list = event.currentTarget as HTMLElement;
  const buttons = [...list.querySelectorAll<HTMLButtonElement>('button')];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (!move || at < 0) return;
  event.preventDefault();
  buttons[move(at, buttons.length)].focus();
}

function childrenOf(nodes: TreeNodeView[]): Map<number | null, TreeNodeView[]> {
  const children = new Map<number | null, TreeNodeView[]>();
  for (const node of nodes) children.set(node.parent, [...(children.get(node.parent) ?? []), node]);
  return children;
}

function pathTo(tree: DecodingTreeView): Set<number> {
  const path = new Set<number>();
  for (let at = tree.current; at !== null; at = tree.nodes[at]?.parent ?? null) path.add(at);
  return path;
}
