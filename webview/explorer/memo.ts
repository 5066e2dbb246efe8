// One memo for the explorer's panels (sections.tsx) and the parts of a panel that a Step leaves as they are.

import { Component, type FunctionComponent, h } from 'preact';

/**
 * `Panel`, rendered again only when one of its props changed (shallowly), like preact/compat's memo but
 * without compat, whose global vnode hook would rewrite every element's props (and onChange to onInput).
 */
export function memo<P extends object>(Panel: FunctionComponent<P>): FunctionComponent<P> {
  class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const [before, after] = [this.props as Record<string, unknown>, next as Record<string, unknown>];
      const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
      return [...keys].some((key) => before[key] !== after[key]);
    }
    render(props: P) {
      return h(Panel, props);
    }
  }
  return Memo as unknown as FunctionComponent<P>;
}
