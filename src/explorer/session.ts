// One prompt and the tokens generated after it: the decoding loop of the lesson (score every token,
// pick one, glue it on, repeat) and the answers to every question the explorer's views ask.
// Pure TypeScript on the engine: no `vscode`. Methods that run the model are async; the rest are not.
import type { Gpt2Model } from '../engine/model';
import { SeededRandom } from '../engine/random';
import { EOS_ID, type Gpt2Tokenizer } from '../engine/tokenizer';
import type { Gpt2Config } from '../engine/types';
import { applyDecoding, changesDistribution, DEFAULT_DECODING, type DecodingPatch, type DecodingSettings } from '../protocol/decoding';
import { packAttention } from '../protocol/attention-map';
import type { AttentionMap, AttentionView, AttributionPanelView, Candidate, LensView, PickHow, ProjectionView, QkvView, SentenceView, SessionView, StopReason, StopsView, TallyView, TokenChip } from '../protocol/views';
import { attribute, attributionView, strongestKeys } from './attribution';
import { Branches } from './branches';
import type { Distribution } from './decoding/distribution';
import { bestKept, decodingDistribution, drawToken } from './decoding/next-token';
import { LogitLens, type Interrupted } from './lens';
import { describeModel } from './model-info';
import { explainPick, type Roll } from './pick';
import type { Trace } from './trace';
import { checkIndex, fitDefaults, readPrompt, type ReadPrompt, type SessionProgress } from './prompt';

const SHOWN = 10; // candidates in the next-token view

export interface SessionOptions {
  sentence: SentenceView;
  ids?: number[]; // the prompt as token ids instead of the sentence's text, which then only names it (chips have no source range)
  defaults?: { layer: number; head: number }; // a preset's Layer/Head (fitted to the model's depth and heads); default: the middle layer, head 0
  settings?: DecodingPatch;
  progress?: SessionProgress;
}

export type { SessionProgress };

/** A generated token and its probability under the distribution it was picked from. */
export type GeneratedToken = Candidate;

export class ExplorerSession {
  private readonly config: Gpt2Config;
  private readonly lensReader: LogitLens;
  private readonly branches: Branches; // the generated text as a tree, and the node shown
  private readonly coordinates: Float64Array[]; // per token: [L+1, 2] positions in the projection frame
  private distribution!: Distribution;
  private random!: SeededRandom;
  private draws = 0; // numbers taken from `random` since the seed was set
  private tally: { counts: Map<number, number>; total: number; last: Candidate | null; roll?: Roll } = { counts: new Map(), total: 0, last: null };
  private disposed = false;
  private queue: Promise<void> = Promise.resolve(); // the tail of step / sampleAppend / reset / lens calls

  private constructor(
    private readonly model: Gpt2Model,
    private readonly tokenizer: Gpt2Tokenizer,
    private readonly sentence: SentenceView,
    private readonly prompt: Omit<ReadPrompt, 'trace'>,
    private readonly trace: Trace, // every position so far: the prompt's, then one per generated token
    private readonly defaults: { layer: number; head: number },
    private settings: DecodingSettings,
  ) {
    this.config = model.config;
    this.lensReader = new LogitLens(model, tokenizer, trace);
    this.coordinates = prompt.chips.map((_, t) => this.place(t));
    this.branches = new Branches({
      model,
      trace,
      prompt: { frontier: prompt.frontier, length: prompt.chips.length },
      coordinates: this.coordinates,
      place: (t) => this.place(t),
      forgetFrom: (t) => this.lensReader.forgetFrom(t),
    });
    this.reseed();
    this.redraw();
  }

  /** Reads the prompt (prompt.ts: tokens, the cut of a long text, the prompt pass, the projection frame). */
  static async create(model: Gpt2Model, tokenizer: Gpt2Tokenizer, options: SessionOptions): Promise<ExplorerSession> {
    const settings = applyDecoding(DEFAULT_DECODING, options.settings ?? {});
    const defaults = fitDefaults(options.defaults, model.config);
    const read = await readPrompt(model, tokenizer, options.sentence, options.ids, settings, options.progress ?? {});
    return new ExplorerSession(model, tokenizer, options.sentence, read, read.trace, defaults, settings);
  }

  /** What the Generation panel and the token chips show. */
  view(): SessionView {
    this.checkOpen();
    const promptLength = this.prompt.chips.length;
    const generated = this.branches.path.map(({ token: { id, text } }, i): TokenChip => ({ index: promptLength + i, id, text, generated: true, start: -1, end: -1 }));
    return {
      sentence: { ...this.sentence },
      tokens: [...this.prompt.chips.map((chip) => ({ ...chip })), ...generated],
      promptLength,
      generated: this.branches.path.length,
      stop: this.stop(),
      next: { top: bestKept(this.distribution, SHOWN).map((id) => this.candidate(id)), kept: this.distribution.keptCount },
      tally: this.tallyView(),
      settings: { ...this.settings },
      model: describeModel(this.config, this.model.weights),
      defaults: { ...this.defaults },
      truncated: this.prompt.truncated,
      tree: this.branches.view(this.stop(), this.stops()),
    };
  }

  /** The generated tokens so far (the path to the node shown), each with the probability it had when picked. */
  generated(): readonly GeneratedToken[] {
    return this.branches.path.map((node) => node.token);
  }

  /** `id`'s probability under the current next-token distribution (0 for a token filtered out). */
  probability(id: number): number {
    this.checkOpen();
    checkIndex('token id', id, this.config.vocabSize);
    return this.distribution.probability(id);
  }

  /** Every token at every layer in the prompt's frame. */
  projection(): ProjectionView {
    this.checkOpen();
    const layers = this.config.nLayer + 1;
    const tokens = this.trace.length;
    const points = new Array<number>(layers * tokens * 2);
    this.coordinates.forEach((xy, t) => {
      for (let l = 0; l < layers; l++) {
        points[2 * (l * tokens + t)] = xy[2 * l];
        points[2 * (l * tokens + t) + 1] = xy[2 * l + 1];
      }
    });
    return { layers, tokens, points, last: tokens - 1 };
  }

  /** One head's whole pattern over every position so far, computed now by the model's Attention kernel. */
  attention(layer: number, head: number): Promise<AttentionView> {
    return this.serially(async () => ({ layer, head, size: this.trace.length, weights: Array.from(await this.headPattern(layer, head)) }));
  }

  /** Every head's whole pattern at `layer`, [H, T, T], in one run of the model's Attention kernel (the heads grid's). */
  layerAttention(layer: number): Promise<Float32Array> {
    return this.serially(() => this.layerPatterns(layer));
  }

  /** Every head's pattern at `layer`, packed for the panel (one run): what the host reads ahead in a pause. */
  layerAttentionMaps(layer: number): Promise<AttentionMap[]> {
    return this.serially(async () => {
      const size = this.trace.length;
      const all = await this.layerPatterns(layer);
      const perHead = size * size;
      return Array.from({ length: this.config.nHead }, (_, head) => packAttention(layer, head, size, all.subarray(head * perHead, (head + 1) * perHead)));
    });
  }

  /** The same pattern packed for the panel (protocol/attention-map.ts), without a [T, T] array of numbers in between. */
  attentionMap(layer: number, head: number): Promise<AttentionMap> {
    return this.serially(async () => packAttention(layer, head, this.trace.length, await this.headPattern(layer, head)));
  }

  /** Every head's pattern [H, T, T] at `layer` (run inside serially, as its callers do). */
  private layerPatterns(layer: number): Promise<Float32Array> {
    this.checkHead(layer, 0);
    const { nHead: H, nEmbd } = this.config;
    const size = this.trace.length;
    const perHead = size * (nEmbd / H); // one head's rows [T, dh]
    const all = (kind: 'q' | 'k') => {
      const out = new Float32Array(H * perHead);
      for (let head = 0; head < H; head++) out.set(this.trace.rows(kind, layer, head), head * perHead);
      return out;
    };
    return this.model.attention(all('q'), all('k'), size, H);
  }

  /** One head's pattern [T, T] over every position so far (run inside serially, as its callers do). */
  private headPattern(layer: number, head: number): Promise<Float32Array> {
    this.checkHead(layer, head);
    return this.model.attention(this.trace.rows('q', layer, head), this.trace.rows('k', layer, head), this.trace.length);
  }

  qkv(layer: number, head: number, token: number): QkvView {
    this.checkHead(layer, head);
    this.checkToken(token);
    const vector = (kind: 'q' | 'k' | 'v') => this.trace.vector(kind, layer, head, token);
    return { layer, head, token, q: vector('q'), k: vector('k'), v: vector('v') };
  }

  /** The logit lens of `token` at `layer` (0 = embeddings .. L), tracking `trackId` across all layers. */
  lens(layer: number, token: number, trackId: number | null): Promise<LensView> {
    // Queued with the appends and resets, so what it reads and caches belongs to the token still there.
    return this.serially(() => {
      this.checkOpen();
      checkIndex('layer', layer, this.config.nLayer + 1);
      this.checkToken(token);
      if (trackId !== null) checkIndex('tracked token id', trackId, this.config.vocabSize);
      return this.lensReader.read(layer, token, trackId);
    });
  }

  /** Reads the newest token's lens ahead: the chip a learner clicks next is most often that one. */
  prefetchLens(): Promise<void> {
    return this.serially(async () => void (this.disposed || (await this.lensReader.prefetch(this.trace.length - 1))));
  }

  /**
   * What the worker does in a pause: reads every token's lens ahead, the newest first, so any chip's first
   * lens is a cached read. Gives way as soon as `interrupted()` (a request is waiting, which then waits for
   * at most one lm_head run); true once every token is read.
   */
  readAhead(interrupted: Interrupted): Promise<boolean> {
    return this.serially(async () => {
      for (let token = this.trace.length - 1; token >= 0; token--) {
        if (this.disposed || interrupted() || !(await this.lensReader.prefetch(token, interrupted))) return this.disposed;
      }
      return true;
    });
  }

  /** Direct logit attribution of `target` [− `versus`] at `token`: computed only when asked, from what the trace holds. */
  attribution(token: number, target: number, versus: number | null): Promise<AttributionPanelView> {
    return this.serially(async () => {
      this.checkOpen();
      this.checkToken(token);
      for (const id of versus === null ? [target] : [target, versus]) checkIndex('attributed token id', id, this.config.vocabSize);
      const last = token === this.trace.length - 1 ? this.branches.logits : undefined; // the node shown's: no lm_head run
      const found = await attribute(this.model, this.trace, { position: token, target, versus }, last);
      return { attribution: attributionView(found, (id) => this.tokenizer.tokenText(id)), attends: strongestKeys(found.attention, this.config.nLayer, this.config.nHead) };
    });
  }

  /** Greedy: appends the most likely token. Once stopped, changes nothing. */
  step(): Promise<SessionView> {
    return this.advance(() => ({ id: bestKept(this.distribution, 1)[0], how: 'step', roll: null }));
  }

  /** Appends `id` instead of what Step or a draw would pick: a new branch of the tree (or the child that holds it already). */
  force(id: number): Promise<SessionView> {
    checkIndex('forced token id', id, this.config.vocabSize);
    return this.advance(() => ({ id, how: 'forced', roll: null }));
  }

  /**
   * Shows node `node` of the decoding tree (null: the bare prompt): its text, its views, its next-token
   * distribution. No pass runs: the tree keeps each node's positions, and its logits are one lm_head row.
   */
  select(node: number | null): Promise<SessionView> {
    return this.serially(async () => {
      this.checkOpen();
      if (node !== null) this.branches.check(node);
      await this.branches.moveTo(node);
      this.redraw();
      return this.view();
    });
  }

  /** One roll (or `times` rolls) from the current distribution, counted in the tally, not appended. */
  sample(times = 1): TallyView {
    this.checkOpen();
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`sample: times must be an integer ≥ 1, got ${times}`);
    let id = -1;
    for (let i = 0; i < times; i++) {
      this.tally.roll = this.roll();
      id = drawToken(this.distribution, this.tally.roll.u);
      this.tally.counts.set(id, (this.tally.counts.get(id) ?? 0) + 1);
    }
    this.tally.total += times;
    this.tally.last = this.candidate(id);
    return this.tallyView();
  }

  /** Rolls from the current distribution and appends the draw. Once stopped, changes nothing. */
  sampleAppend(): Promise<SessionView> {
    return this.advance(() => {
      const roll = this.roll();
      return { id: drawToken(this.distribution, roll.u), how: 'sample', roll };
    });
  }

  /** Samples and appends until a stop condition holds (greedy at temperature 0, where one token keeps all the mass). */
  async generate(): Promise<SessionView> {
    while (this.stop() === null) await this.sampleAppend();
    return this.view();
  }

  /** New decoding settings; the distribution is recomputed from the kept logits (no model run). */
  setDecoding(patch: DecodingPatch): SessionView {
    this.checkOpen();
    const before = this.settings;
    this.settings = applyDecoding(before, patch);
    if (this.settings.seed !== before.seed) this.reseed();
    if (this.settings.seed !== before.seed || changesDistribution(before, this.settings)) this.redraw();
    return this.view();
  }

  /** Back to the bare prompt, from the prompt pass kept since create; the tree is cleared and the seed starts over. */
  reset(): Promise<SessionView> {
    return this.serially(() => {
      this.checkOpen();
      this.branches.clear();
      const promptLength = this.prompt.chips.length;
      this.coordinates.length = promptLength;
      this.trace.truncate(promptLength);
      this.lensReader.forgetFrom(promptLength);
      this.reseed();
      this.redraw();
      return this.view();
    });
  }

  /** Frees the KV caches. The model is not this session's: it stays open. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.branches.dispose();
    this.prompt.frontier.cache.dispose();
  }

  /** Picks a token (unless stopped) and appends it, after any append or reset still under way. */
  private advance(pick: () => { id: number; how: PickHow; roll: Roll | null }): Promise<SessionView> {
    return this.serially(async () => {
      this.checkOpen();
      if (this.stop() === null) {
        const { id, how, roll } = pick();
        await this.append(id, how, roll);
      }
      return this.view();
    });
  }

  /** Runs `work` once everything queued before it has settled: overlapping calls act one after another. */
  private serially<T>(work: () => Promise<T> | T): Promise<T> {
    const turn = this.queue.then(work);
    this.queue = turn.then(
      () => undefined,
      () => undefined, // a failed turn does not block the next one; its caller gets the error
    );
    return turn;
  }

  /**
   * Runs the new token through the model (branches.ts: from the nearest KV cache) below the node shown; a token
   * that node has a child for already moves there instead: the same text, already in the tree.
   */
  private async append(id: number, how: PickHow, roll: Roll | null): Promise<void> {
    const known = this.branches.child(id);
    if (known !== null) await this.branches.moveTo(known);
    else {
      const name = (token: number) => this.tokenizer.tokenText(token);
      const pick = explainPick(this.branches.logits, this.distribution, this.settings, how, roll, name);
      await this.branches.grow({ id, text: name(id), prob: this.distribution.probability(id) }, how, pick);
    }
    this.redraw();
  }

  /** Why generation is over, or null. Derived, so changing maxNewTokens can end or resume it. */
  private stop(): StopReason | null {
    const path = this.branches.path;
    if (path.at(-1)?.token.id === EOS_ID) return 'eos';
    if (path.length >= this.settings.maxNewTokens) return 'max_tokens';
    if (this.trace.length >= this.config.nPositions) return 'context_full';
    return null;
  }

  /** What stop() checks, in numbers: the decoding tree's last link. */
  private stops(): StopsView {
    return { generated: this.branches.path.length, maxNewTokens: this.settings.maxNewTokens, tokens: this.trace.length, context: this.config.nPositions };
  }

  /** The distribution from the current logits and settings; the tally restarts with it. */
  private redraw(): void {
    this.distribution = decodingDistribution(this.branches.logits, this.settings);
    this.tally = { counts: new Map(), total: 0, last: null };
  }

  private reseed(): void {
    this.random = new SeededRandom(this.settings.seed);
    this.draws = 0;
  }

  /** The next number of the seeded sequence, and where in it it came. */
  private roll(): Roll {
    return { seed: this.settings.seed, index: this.draws++, u: this.random.next() };
  }

  /** Token t's position at every layer: [L+1, 2]. */
  private place(t: number): Float64Array {
    const layers = this.config.nLayer + 1;
    const xy = new Float64Array(layers * 2);
    for (let l = 0; l < layers; l++) xy.set(this.prompt.frame.project(this.trace.hidden(l, t)), 2 * l);
    return xy;
  }

  private tallyView(): TallyView {
    const counts = Object.fromEntries([...this.tally.counts].map(([id, n]) => [String(id), n]));
    const { total, last, roll } = this.tally;
    return { counts, total, last, ...(roll ? { roll: { ...roll } } : {}) };
  }

  private candidate(id: number): Candidate {
    return { id, text: this.tokenizer.tokenText(id), prob: this.distribution.probability(id) };
  }

  private checkHead(layer: number, head: number): void {
    this.checkOpen();
    checkIndex('layer', layer, this.config.nLayer);
    checkIndex('head', head, this.config.nHead);
  }

  private checkToken(token: number): void {
    checkIndex('token', token, this.trace.length);
  }

  private checkOpen(): void {
    if (this.disposed) throw new Error('ExplorerSession: used after dispose()');
  }
}
