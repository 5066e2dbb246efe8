// The decoding tree (issue 18): every token generated after the prompt, each the child of the token before it
// (or of the prompt), so a learner who forces another token at some step starts a branch and keeps the old one.
// Pure data: the session stores in each node what it needs to show that node again without the model (its
// trace position, its place in the projection, why it was picked). Node ids are indices; nodes are never removed
// one by one, only all at once (Reset).
import { MAX_TREE_NODES, type Candidate, type PickHow, type TreeNodeView } from '../protocol/views';

export interface TreeNode<Stored> {
  readonly id: number;
  readonly parent: number | null; // null: it follows the prompt
  readonly depth: number; // 1 for a token right after the prompt: the Step/Sample counter at this node
  readonly token: Candidate; // its id, text and probability under the distribution it was picked from
  readonly how: PickHow;
  readonly stored: Stored;
}

export class DecodingTree<Stored> {
  private readonly nodes: TreeNode<Stored>[] = [];
  private readonly childrenOf = new Map<number | null, number[]>(); // parent → children, in the order they were added

  constructor(private readonly limit = MAX_TREE_NODES) {}

  get size(): number {
    return this.nodes.length;
  }

  node(id: number): TreeNode<Stored> {
    const node = this.nodes[id];
    if (!node) throw new RangeError(`the decoding tree has no node ${id} (it holds ${this.nodes.length})`);
    return node;
  }

  /** The child of `parent` that holds token `tokenId`, if there is one: the same prefix and token are the same text. */
  child(parent: number | null, tokenId: number): TreeNode<Stored> | undefined {
    return this.children(parent).find((node) => node.token.id === tokenId);
  }

  children(parent: number | null): TreeNode<Stored>[] {
    return (this.childrenOf.get(parent) ?? []).map((id) => this.nodes[id]);
  }

  /** RangeError when the tree is full: a new token would be refused. */
  checkRoom(): void {
    if (this.nodes.length >= this.limit) throw new RangeError(`the decoding tree is full (${this.limit.toLocaleString('en')} tokens): Reset to start a new one`);
  }

  /** A new child of `parent`; RangeError when the tree is full or `parent` is not in it. */
  add(parent: number | null, token: Candidate, how: PickHow, stored: Stored): TreeNode<Stored> {
    this.checkRoom();
    const depth = parent === null ? 1 : this.node(parent).depth + 1;
    const node: TreeNode<Stored> = { id: this.nodes.length, parent, depth, token, how, stored };
    this.nodes.push(node);
    this.childrenOf.set(parent, [...(this.childrenOf.get(parent) ?? []), node.id]);
    return node;
  }

  /** The nodes from the prompt down to `id`, first to last; [] for the prompt itself (null). */
  path(id: number | null): TreeNode<Stored>[] {
    const path: TreeNode<Stored>[] = [];
    for (let at = id; at !== null; at = this.node(at).parent) path.push(this.node(at));
    return path.reverse();
  }

  /** How many nodes the paths to `a` and to `b` share from the prompt on: the tokens both texts have. */
  shared(a: number | null, b: number | null): number {
    const [pathA, pathB] = [this.path(a), this.path(b)];
    let n = 0;
    while (n < pathA.length && n < pathB.length && pathA[n] === pathB[n]) n++;
    return n;
  }

  /** The nearest of `id` and its ancestors that `has` holds, and the nodes below it down to `id`; null for the prompt. */
  nearest(id: number | null, has: (node: TreeNode<Stored>) => boolean): { from: number | null; below: TreeNode<Stored>[] } {
    const path = this.path(id);
    let i = path.length;
    while (i > 0 && !has(path[i - 1])) i--;
    return { from: i === 0 ? null : path[i - 1].id, below: path.slice(i) };
  }

  /** Every node as the views carry it, in id order (a parent always comes before its children). */
  view(): TreeNodeView[] {
    return this.nodes.map(({ id, parent, token, how }) => ({ id, parent, token: { ...token }, how }));
  }

  clear(): void {
    this.nodes.length = 0;
    this.childrenOf.clear();
  }
}
