// A small runtime schema library: each schema checks an unknown value and yields a typed one,
// so a message's TypeScript type and its runtime check are written once and cannot drift.

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };
export interface Schema<T> {
  /** Checks `value`; `path` names where it sits inside the message, for the error text. */
  check(value: unknown, path: string): Result<T>;
}
export type Infer<S> = S extends Schema<infer T> ? T : never;

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (path: string, expected: string, value: unknown): Result<never> => ({
  ok: false,
  error: `${path || 'message'}: expected ${expected}, got ${describe(value)}`,
});

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  return typeof value;
}

export interface NumberRange {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A finite number (NaN and ±Infinity are always rejected), optionally an integer within [min, max]. */
export function number(range: NumberRange = {}): Schema<number> {
  const { min = -Infinity, max = Infinity, integer = false } = range;
  const expected = `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`;
  return {
    check(value, path) {
      const good =
        typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
      return good ? ok(value) : fail(path, expected, value);
    },
  };
}

export function string(maxLength = 100_000): Schema<string> {
  return {
    check: (value, path) =>
      typeof value === 'string' && value.length <= maxLength ? ok(value) : fail(path, `a string of at most ${maxLength} chars`, value),
  };
}

export const boolean: Schema<boolean> = {
  check: (value, path) => (typeof value === 'boolean' ? ok(value) : fail(path, 'a boolean', value)),
};

export function literal<const T extends string | number | boolean | null>(expected: T): Schema<T> {
  return { check: (value, path) => (value === expected ? ok(expected) : fail(path, JSON.stringify(expected), value)) };
}

export function oneOf<const T extends readonly (string | number)[]>(options: T): Schema<T[number]> {
  return {
    check: (value, path) =>
      options.includes(value as string | number) ? ok(value as T[number]) : fail(path, `one of ${options.join(', ')}`, value),
  };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return { check: (value, path) => (value === null ? ok(null) : inner.check(value, path)) };
}

export function array<T>(item: Schema<T>, maxLength = 1_000_000): Schema<T[]> {
  return {
    check(value, path) {
      if (!Array.isArray(value) || value.length > maxLength) return fail(path, `an array of at most ${maxLength} items`, value);
      for (let i = 0; i < value.length; i++) {
        const result = item.check(value[i], `${path}[${i}]`);
        if (!result.ok) return result;
      }
      return ok(value as T[]);
    },
  };
}

/** A plain record with string keys (e.g. a tally by token id). */
export function record<T>(item: Schema<T>, maxKeys = 100_000): Schema<Record<string, T>> {
  return {
    check(value, path) {
      if (!isPlainObject(value)) return fail(path, 'an object', value);
      const keys = Object.keys(value);
      if (keys.length > maxKeys) return fail(path, `at most ${maxKeys} keys`, value);
      for (const key of keys) {
        const result = item.check(value[key], `${path}.${key}`);
        if (!result.ok) return result;
      }
      return ok(value as Record<string, T>);
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type Optional<T> = Schema<T> & { optional: true };
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = {
  [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]>;
} & { [K in OptionalKeys<S>]?: Infer<S[K]> };

/** A field that may be left out (but, when present, must match). */
export function optional<T>(inner: Schema<T>): Optional<T> {
  return { optional: true, check: (value, path) => (value === undefined ? ok(value as T) : inner.check(value, path)) };
}

/** An object with exactly these fields: unknown fields are rejected, so typos cannot pass silently. */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return {
    check(value, path) {
      if (!isPlainObject(value)) return fail(path, 'an object', value);
      for (const key of Object.keys(value)) {
        if (!Object.prototype.hasOwnProperty.call(shape, key)) return { ok: false, error: `${path || 'message'}: unexpected field "${key}"` };
      }
      for (const [key, schema] of Object.entries(shape)) {
        const result = schema.check(value[key], path ? `${path}.${key}` : key);
        if (!result.ok) return result;
      }
      return ok(value as ObjectOf<S>);
    },
  };
}

/** A tagged union keyed by `type`: the tag picks the schema, so errors name the right variant. */
export function union<M extends Record<string, Schema<{ type: string }>>>(variants: M): Schema<Infer<M[keyof M]>> {
  return {
    check(value, path) {
      if (!isPlainObject(value) || typeof value.type !== 'string') return fail(path, 'an object with a string "type"', value);
      const variant = Object.prototype.hasOwnProperty.call(variants, value.type) ? variants[value.type] : undefined;
      if (!variant) return { ok: false, error: `${path || 'message'}: unknown type ${describe(value.type)}` };
      return variant.check(value, path) as Result<Infer<M[keyof M]>>;
    },
  };
}

/** Checks `raw` against `schema`; never throws: a hostile value (a getter that throws) becomes an error. */
export function parseWith<T>(schema: Schema<T>, raw: unknown): Result<T> {
  try {
    return schema.check(raw, '');
  } catch (error) {
    return { ok: false, error: `the value could not be checked: ${String(error)}` };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
