// The session's generated text as a decoding tree (tree.ts): the node shown, the path to it (what the views see:
// the trace and the projection hold the prompt, then that path), and the KV caches to continue from. Moving to
// another node runs no pass: each node keeps its trace position and its place in the projection, and the new
// tip's logits are one lm_head row. Continuing a node runs only the tokens its nearest cache lacks, and the new
// one, in one pass (branch-caches.ts): the prompt is never read again.
import type { Gpt2Model } from '../engine/model';
import type { KvCache } from '../engine/types';
import type { Candidate, DecodingTreeView, PickHow, StopReason, StopsView } from '../protocol/views';
import { BranchCaches } from './branch-caches';
import type { Pick } from './pick';
import type { Frontier } from './prompt';
import type { Position, Trace } from './trace';
import { DecodingTree, type TreeNode } from './tree';

/** What a node keeps so that showing it again runs no model: its trace position, its place in the projection, why it came out. */
interface Stored {
  position: Position;
  xy: Float64Array;
  pick: Pick;
}

/** Where the loop stands: the logits of the last position, and its KV cache unless a node was just revisited (then found when it is continued). */
interface Tip {
  logits: Float32Array;
  cache: KvCache | null;
}

/** The session's shared state the branches rewrite when the node shown changes. */
export interface BranchesOf {
  model: Gpt2Model;
  trace: Trace;
  prompt: { frontier: Frontier; length: number };
  coordinates: Float64Array[]; // per position: [L+1, 2] in the projection frame
  place: (t: number) => Float64Array; // position t's place in the projection frame
  forgetFrom: (t: number) => void; // what was read about positions t and later is stale (the lens)
}

export class Branches {
  private readonly tree = new DecodingTree<Stored>();
  private readonly caches = new BranchCaches();
  private shownPath: TreeNode<Stored>[] = []; // the node shown and its ancestors, from the prompt on
  private current: Tip;

  constructor(private readonly of: BranchesOf) {
    this.current = { ...of.prompt.frontier };
  }

  /** The generated text: the path from the prompt to the node shown. */
  get path(): readonly TreeNode<Stored>[] {
    return this.shownPath;
  }

  /** The node shown: the last of the path, null on the bare prompt. */
  get node(): number | null {
    return this.shownPath.at(-1)?.id ?? null;
  }

  /** The logits the next token is picked from. */
  get logits(): Float32Array {
    return this.current.logits;
  }

  /** RangeError for a node the tree does not have. */
  check(node: number): void {
    this.tree.node(node);
  }

  /** The child of the node shown that holds `tokenId`, if any. */
  child(tokenId: number): number | null {
    return this.tree.child(this.node, tokenId)?.id ?? null;
  }

  /** Runs `token` from the nearest KV cache and adds it below the node shown, which it then is. */
  async grow(token: Candidate, how: PickHow, pick: Pick): Promise<void> {
    this.tree.checkRoom(); // before the pass: a full tree runs nothing
    const { trace } = this.of;
    const { cache, below } = this.continuation();
    const result = await this.of.model.forward([...below.map((node) => node.token.id), token.id], cache);
    trace.appendLast(result);
    const t = trace.length - 1;
    const node = this.tree.add(this.node, token, how, { position: trace.at(t), xy: this.of.place(t), pick });
    this.release();
    this.current = { logits: result.logits, cache: result.cache };
    this.shownPath = [...this.shownPath, node];
    this.of.coordinates.push(node.stored.xy);
  }

  /** Shows `target` (null: the prompt): the trace keeps what the two paths share and takes the rest from the tree. */
  async moveTo(target: number | null): Promise<void> {
    const { trace, prompt, coordinates } = this.of;
    const path = this.tree.path(target);
    const keep = prompt.length + this.tree.shared(this.node, target);
    const rest = path.slice(keep - prompt.length);
    if (this.current.cache && this.node !== null) this.caches.keep(this.node, this.current.cache); // for a return
    trace.restore(keep, rest.map((node) => node.stored.position));
    coordinates.length = keep;
    coordinates.push(...rest.map((node) => node.stored.xy));
    this.of.forgetFrom(keep);
    this.shownPath = path;
    if (target === null) return void (this.current = { ...prompt.frontier });
    const last = trace.hidden(this.of.model.config.nLayer, trace.length - 1).slice();
    this.current = { logits: await this.of.model.lens(last, 1), cache: this.caches.take(target) }; // ln_f + unembedding: the pass's own lm_head
  }

  /** Back to the bare prompt with an empty tree. */
  clear(): void {
    this.release();
    this.caches.clear();
    this.tree.clear();
    this.current = { ...this.of.prompt.frontier };
    this.shownPath = [];
  }

  /** Frees every cache but the prompt's (the session frees that one). */
  dispose(): void {
    this.release();
    this.caches.clear();
  }

  view(stop: StopReason | null, stops: StopsView): DecodingTreeView {
    const node = this.shownPath.at(-1);
    return { nodes: this.tree.view(), current: this.node, pick: node ? { ...node.stored.pick, stops, stop } : null };
  }

  /** The cache to continue the node shown from, and the tokens of its path that cache does not hold yet. */
  private continuation(): { cache: KvCache; below: TreeNode<Stored>[] } {
    if (this.current.cache) return { cache: this.current.cache, below: [] };
    const { from, below } = this.tree.nearest(this.node, (node) => this.caches.has(node.id));
    return { cache: from === null ? this.of.prompt.frontier.cache : this.caches.peek(from)!, below };
  }

  /** Disposes the tip's cache unless it is the prompt's, which reset needs. */
  private release(): void {
    if (this.current.cache !== this.of.prompt.frontier.cache) this.current.cache?.dispose();
  }
}
