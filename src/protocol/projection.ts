// The token positions told as what changed (views.ts projectionUpdate): the host makes the update from the
// projection the panel holds and the new one; the panel folds it into what it holds. Both ends are pure and
// compare values, not how the session got there (a Step, a Reset, a move in the decoding tree, a new prompt),
// so the panel's projection after any run of updates is the very one a whole message would have given.

import type { Result } from './schema';
import type { ProjectionUpdate, ProjectionView } from './views';

/** `after` as an update for a receiver holding `before` (null: it holds none, and gets the whole projection). */
export function projectionUpdateOf(before: ProjectionView | null, after: ProjectionView): ProjectionUpdate {
  const from = before && before.layers === after.layers ? samePositions(before, after) : 0;
  if (from === 0) return after;
  const { layers, tokens } = after;
  const kept = tokens - from;
  const points = new Array<number>(2 * layers * kept);
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < 2 * kept; i++) points[2 * l * kept + i] = after.points[2 * (l * tokens + from) + i];
  }
  return { layers, tokens, points, last: after.last, from };
}

/** The projection `update` gives a receiver holding `held`; an error when it does not fit what is held. */
export function applyProjectionUpdate(held: ProjectionView | null, update: ProjectionUpdate): Result<ProjectionView> {
  const { layers, tokens, last, from = 0 } = update;
  if (from === 0) return { ok: true, value: { layers, tokens, points: update.points, last } };
  const error = misfit(held, update);
  if (error !== null) return { ok: false, error };
  const { points: heldPoints, tokens: heldTokens } = held!; // misfit: an update from a later token fits only what is held
  const kept = tokens - from;
  const points = new Array<number>(2 * layers * tokens);
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < 2 * from; i++) points[2 * l * tokens + i] = heldPoints[2 * l * heldTokens + i];
    for (let i = 0; i < 2 * kept; i++) points[2 * (l * tokens + from) + i] = update.points[2 * l * kept + i];
  }
  return { ok: true, value: { layers, tokens, points, last } };
}

/** Why `update` does not fit what is held, or null when it does (a whole projection always fits): a check without the fold. */
export function misfit(held: ProjectionView | null, update: ProjectionUpdate): string | null {
  const { layers, from = 0 } = update;
  if (from === 0 || (held && held.layers === layers && held.tokens >= from)) return null;
  const holds = held ? `${held.layers} layers of ${held.tokens} tokens` : 'no projection';
  return `an update from token ${from} (${layers} layers) does not fit the panel's ${holds}`;
}

/** How many leading positions hold the same x, y at every layer in both. */
function samePositions(before: ProjectionView, after: ProjectionView): number {
  const shared = Math.min(before.tokens, after.tokens);
  let same = shared;
  for (let l = 0; l < after.layers && same > 0; l++) {
    const [a, b] = [2 * l * before.tokens, 2 * l * after.tokens];
    for (let i = 0; i < 2 * same; i++) {
      if (before.points[a + i] !== after.points[b + i]) {
        same = Math.floor(i / 2);
        break;
      }
    }
  }
  return same;
}
