// The decoding tree's bookkeeping (src/explorer/tree.ts), pure: paths, shared prefixes, the nearest kept
// ancestor, the one child per token, the size limit and the view, each read against the tree built by hand.
import assert from 'node:assert/strict';
import { DecodingTree } from '../../src/explorer/tree';

const token = (id: number) => ({ id, text: `t${id}`, prob: 0.5 });

/** prompt → a(1) → b(2) → c(3); a → d(4) → e(5); prompt → f(6) */
function sample() {
  const tree = new DecodingTree<string>();
  const a = tree.add(null, token(1), 'step', 'a');
  const b = tree.add(a.id, token(2), 'step', 'b');
  const c = tree.add(b.id, token(3), 'sample', 'c');
  const d = tree.add(a.id, token(4), 'forced', 'd');
  const e = tree.add(d.id, token(5), 'step', 'e');
  const f = tree.add(null, token(6), 'forced', 'f');
  return { tree, a, b, c, d, e, f };
}

describe('the decoding tree (pure)', () => {
  it('paths run from the prompt down; depth is the counter at each node', () => {
    const { tree, c, e, f } = sample();
    assert.deepEqual(tree.path(c.id).map((n) => n.stored), ['a', 'b', 'c']);
    assert.deepEqual(tree.path(e.id).map((n) => n.stored), ['a', 'd', 'e']);
    assert.deepEqual(tree.path(f.id).map((n) => n.stored), ['f']);
    assert.deepEqual(tree.path(null), []);
    assert.deepEqual([c.depth, e.depth, f.depth], [3, 3, 1]);
  });

  it('shared: the tokens two texts have in common from the prompt on', () => {
    const { tree, a, b, c, e, f } = sample();
    assert.equal(tree.shared(c.id, e.id), 1); // a
    assert.equal(tree.shared(c.id, b.id), 2); // a b
    assert.equal(tree.shared(c.id, c.id), 3);
    assert.equal(tree.shared(c.id, f.id), 0);
    assert.equal(tree.shared(null, a.id), 0);
  });

  it('one child per token: the same prefix and token are found again, other tokens are siblings', () => {
    const { tree, a, b, d } = sample();
    assert.equal(tree.child(a.id, 2), b);
    assert.equal(tree.child(a.id, 4), d);
    assert.equal(tree.child(a.id, 9), undefined);
    assert.deepEqual(tree.children(a.id).map((n) => n.stored), ['b', 'd'], 'in the order they were added');
    assert.deepEqual(tree.children(null).map((n) => n.stored), ['a', 'f']);
  });

  it('nearest: the closest of a node and its ancestors that holds something, and the nodes below it', () => {
    const { tree, a, b, c } = sample();
    const kept = new Set([a.id]);
    const found = tree.nearest(c.id, (n) => kept.has(n.id));
    assert.equal(found.from, a.id);
    assert.deepEqual(found.below.map((n) => n.stored), ['b', 'c']);
    kept.add(c.id);
    assert.deepEqual(tree.nearest(c.id, (n) => kept.has(n.id)), { from: c.id, below: [] });
    const none = tree.nearest(b.id, () => false);
    assert.equal(none.from, null, 'nothing kept: from the prompt');
    assert.deepEqual(none.below.map((n) => n.stored), ['a', 'b']);
  });

  it('refuses a node past its limit and a parent it does not have; clear empties it', () => {
    const tree = new DecodingTree<null>(3);
    let at: number | null = null;
    for (let i = 0; i < 3; i++) at = tree.add(at, token(i), 'step', null).id;
    assert.throws(() => tree.add(at, token(9), 'step', null), /full \(3 tokens\): Reset/);
    assert.throws(() => tree.node(7), RangeError);
    tree.clear();
    assert.equal(tree.size, 0);
    assert.throws(() => tree.add(0, token(1), 'step', null), /no node 0/);
    assert.deepEqual(tree.children(null), []);
  });

  it('the view lists every node in id order, parents first', () => {
    const { tree } = sample();
    const view = tree.view();
    assert.deepEqual(view.map((n) => [n.id, n.parent, n.token.id, n.how]), [[0, null, 1, 'step'], [1, 0, 2, 'step'], [2, 1, 3, 'sample'], [3, 0, 4, 'forced'], [4, 3, 5, 'step'], [5, null, 6, 'forced']]);
    view.forEach((n) => assert.ok(n.parent === null || n.parent < n.id));
  });
});
