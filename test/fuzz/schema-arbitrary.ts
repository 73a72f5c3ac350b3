/**
 * fast-check arbitraries derived from an endpoint's zod schema: objects with the schema's keys,
 * strings within (and just past) its length limits, emails, URLs, booleans, numbers, arrays,
 * records, enums and unions. Field names pick domain values from a {@link Dictionary} (a real
 * provider id, the fixture user's email and password, live tokens, safe and unsafe callback
 * URLs), so that well-formed requests get past validation into the flows.
 *
 * A zod type this file does not know throws: a new schema construct must be taught here rather
 * than silently fuzzed with nothing.
 */
import fc from "fast-check";
import type { $ZodType } from "zod/v4/core";
import type { InputSchema } from "../../src/core/endpoint.js";

/** Domain values mixed into generated fields, chosen by field name. */
export interface Dictionary {
  emails: readonly string[];
  passwords: readonly string[];
  providers: readonly string[];
  urls: readonly string[];
  tokens: readonly string[];
  usernames: readonly string[];
  /** OAuth `state` values (a live one among them). */
  states: readonly string[];
}

/**
 * Where a value goes: a body takes up to 1 MiB; a query string shares Node's 16 KiB header
 * limit with the rest of the request line and headers, so its long strings stay below it
 * (longer ones only ever get 431 from Node).
 */
export type Place = "body" | "query";

/** Loose view of zod 4's internals (`schema._zod.def`), enough to walk a schema. */
interface Def {
  type: string;
  shape?: Record<string, $ZodType>;
  catchall?: $ZodType;
  innerType?: $ZodType;
  in?: $ZodType;
  out?: $ZodType;
  element?: $ZodType;
  keyType?: $ZodType;
  valueType?: $ZodType;
  options?: $ZodType[];
  entries?: Record<string, string | number>;
  values?: unknown[];
  format?: string;
  checks?: { _zod: { def: { check: string; minimum?: number; maximum?: number; format?: string } } }[];
}

export function defOf(schema: $ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function lengthLimits(schema: $ZodType): { min: number; max: number | undefined } {
  let min = 0;
  let max: number | undefined;
  for (const c of defOf(schema).checks ?? []) {
    const d = c._zod.def;
    if (d.check === "min_length" && d.minimum !== undefined) min = d.minimum;
    if (d.check === "max_length" && d.maximum !== undefined) max = d.maximum;
  }
  return { min, max };
}

/** Whether a schema (through pipes and wrappers) is an email string. */
function isEmail(schema: $ZodType): boolean {
  const def = defOf(schema);
  if (def.format === "email") return true;
  if (def.type === "pipe") return isEmail(def.out!) || isEmail(def.in!);
  return (def.checks ?? []).some((c) => c._zod.def.format === "email");
}

/** Control characters, C1 controls, NUL, lone surrogates, bidi overrides, non-characters. */
const nastyChar = fc.constantFrom(
  "\u0000",
  "\u0001",
  "\u0007",
  "\b",
  "\t",
  "\n",
  "\r",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u200b",
  "\u202e",
  "\u2028",
  "\ud800",
  "\udfff",
  "\ufeff",
  "\uffff",
  "😀",
  "ﷺ",
  "İ",
  "ß",
  "'",
  '"',
  "\\",
  "<",
  ">",
  "&",
  "%",
  "/",
  "?",
  "#",
  "=",
  ";",
  ",",
  "|",
);

/** Strings that are often trouble: unicode, control characters, SQL and HTML metacharacters. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: nastyChar, maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 24 }),
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.constantFrom(
    "",
    " ",
    "null",
    "undefined",
    "true",
    "0",
    "-1",
    "NaN",
    "[]",
    "{}",
    "__proto__",
    "constructor",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "%zz",
    "\u0000\u0000",
    "a\u0000b",
  ),
);

/** A very long string: past every field limit and, sometimes, past the 1 MiB body limit. */
export const hugeString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 4_097, max: 70_000 }).map((n) => "x".repeat(n)) },
  { weight: 2, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => "😀".repeat(n)) },
  { weight: 1, arbitrary: fc.constant("a".repeat(1024 * 1024 + 1)) },
);

/** A long string that still fits in a query string: past the 2048-character URL limits. */
export const longQueryString: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 2_049, max: 5_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 300, max: 700 }).map((n) => "€".repeat(n)),
);

/**
 * A same-site path just under the 2048-character URL limits, in characters that grow when
 * percent-encoded (a "€" becomes 9 characters in a Location header); shorter in a query string.
 */
export function longPath(place: Place): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.oneof(
        { weight: 3, arbitrary: fc.constant("€") },
        { weight: 1, arbitrary: fc.constantFrom("é", "😀", " ", "a", "%") },
      ),
      fc.integer({ min: 1_800, max: 2_046 }),
    )
    .map(([c, n]) => {
      const count = Math.floor(n / c.length);
      const budget = place === "query" ? Math.floor(12_000 / encodeURIComponent(c).length) : count;
      return `/${c.repeat(Math.min(count, budget))}`;
    });
}

function long(place: Place): fc.Arbitrary<string> {
  return place === "query" ? longQueryString : hugeString;
}

/** Mostly within [min, max]; sometimes exactly at a limit or one past it. */
function boundedString(min: number, max: number | undefined): fc.Arbitrary<string> {
  const cap = Math.max(min, Math.min(max ?? 64, 64));
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 5, arbitrary: fc.string({ minLength: Math.max(min, 1), maxLength: cap }) },
    { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: Math.max(min, 1), maxLength: cap }) },
  ];
  if (max !== undefined) {
    options.push({ weight: 1, arbitrary: fc.constant("a".repeat(max)) });
    options.push({ weight: 1, arbitrary: fc.constant("a".repeat(max + 1)) });
  }
  if (min > 0) options.push({ weight: 1, arbitrary: fc.constant("a".repeat(min - 1)) });
  return fc.oneof(...options);
}

/** Keys a provider's callback or an Auth.js form carries. */
const callbackKey = fc.constantFrom(
  "code",
  "state",
  "error",
  "iss",
  "user",
  "token",
  "csrfToken",
  "callbackUrl",
  "email",
  "password",
  "username",
);

/** Values of the dictionary list that fits a field name, if any. */
function dictionaryFor(key: string, dict: Dictionary): readonly string[] | undefined {
  const k = key.toLowerCase();
  if (k.includes("email")) return dict.emails;
  if (k.includes("password")) return dict.passwords;
  if (k === "provider" || k === "providerid") return dict.providers;
  if (k.includes("url") || k === "redirectto" || k === "image") return dict.urls;
  if (k.includes("token")) return dict.tokens;
  if (k.includes("username")) return dict.usernames;
  if (k === "state") return dict.states;
  return undefined;
}

/**
 * A string for a field: mostly what the schema allows (with the dictionary's values for the
 * field's name), sometimes unicode, control characters or one past a limit.
 */
function stringFor(schema: $ZodType, key: string, dict: Dictionary, place: Place): fc.Arbitrary<string> {
  const known = dictionaryFor(key, dict);
  const limits = lengthLimits(schema);
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: isEmail(schema) ? 1 : 5, arbitrary: boundedString(limits.min, limits.max) },
    { weight: 1, arbitrary: nastyString },
    { weight: 1, arbitrary: long(place) },
  ];
  if (isEmail(schema)) options.push({ weight: 3, arbitrary: fc.emailAddress() });
  if (isEmail(schema) && !known) options.push({ weight: 8, arbitrary: fc.constantFrom(...dict.emails) });
  if (known && known.length > 0) options.push({ weight: 10, arbitrary: fc.constantFrom(...known) });
  if (known === dict.urls) options.push({ weight: 3, arbitrary: longPath(place) });
  return fc.oneof(...options);
}

/**
 * An arbitrary for values of `schema`, mostly valid. `key` is the field name it sits under (it
 * picks dictionary values); `place` bounds how long strings get.
 */
export function arbitraryFor(
  schema: $ZodType,
  dict: Dictionary,
  key = "",
  place: Place = "body",
): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case "object": {
      const shape = def.shape ?? {};
      const entries: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      for (const [name, field] of Object.entries(shape)) {
        entries[name] = arbitraryFor(field, dict, name, place);
        if (!["optional", "default"].includes(defOf(field).type)) required.push(name);
      }
      const record = fc.record(entries, { requiredKeys: required });
      const catchall = def.catchall ? defOf(def.catchall).type : "never";
      if (catchall === "never") return record;
      // A loose object: unknown keys are kept, so add some.
      return fc
        .tuple(
          record,
          fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
        )
        .map(([known, extra]) => ({ ...extra, ...known }));
    }
    case "optional":
      return fc.option(arbitraryFor(def.innerType!, dict, key, place), { nil: undefined, freq: 2 });
    case "nullable":
      return fc.option(arbitraryFor(def.innerType!, dict, key, place), { nil: null, freq: 4 });
    case "default":
    case "prefault":
    case "readonly":
    case "nonoptional":
      return arbitraryFor(def.innerType!, dict, key, place);
    case "pipe":
      return isEmail(schema)
        ? stringFor(schema, key || "email", dict, place)
        : arbitraryFor(def.in!, dict, key, place);
    case "string":
      return stringFor(schema, key, dict, place);
    case "boolean":
      return fc.boolean();
    case "number":
      return fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, Date.now() / 1000, 1e308));
    case "array": {
      const { max } = lengthLimits(schema);
      return fc.array(arbitraryFor(def.element!, dict, key, place), { maxLength: Math.min(max ?? 8, 8) });
    }
    case "record":
      return fc.dictionary(
        fc.oneof(fc.string({ maxLength: 16 }), callbackKey, nastyKey),
        arbitraryFor(def.valueType!, dict, key, place),
        { maxKeys: 5 },
      );
    case "union":
      return fc.oneof(...(def.options ?? []).map((o) => arbitraryFor(o, dict, key, place)));
    case "enum":
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case "literal":
      return fc.constantFrom(...(def.values ?? []));
    case "unknown":
    case "any":
      return fc.oneof(stringFor(schema, key, dict, place), fc.jsonValue({ maxDepth: 2 }));
    default:
      throw new Error(`schema-arbitrary: zod type "${def.type}" (field "${key}") is not handled`);
  }
}

/** What placeholders (`{{fixture-email}}` ...) look like once filled, to check values against a schema. */
function likeFilled(value: unknown): unknown {
  if (typeof value === "string") {
    return value
      .replaceAll("{{origin}}", "http://127.0.0.1:1")
      .replaceAll("{{fixture-email}}", "fixture@example.test")
      .replace(/\{\{[a-z-]+\}\}/g, "placeholder-value-0123456789");
  }
  if (Array.isArray(value)) return value.map(likeFilled);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, likeFilled(v)]));
  return value;
}

/** Only the values of `arb` that `schema` accepts (placeholders counted as filled in). */
export function validFor(schema: InputSchema<unknown>, arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return arb.filter((value) => schema.safeParse(likeFilled(value)).success);
}

/** A value of any JSON type: what goes where the schema wants something else. */
export function wrongTypeIn(place: Place): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(null, true, false, 0, -1, 1.5, "", [], {}, [[]], { a: { b: { c: 1 } } }),
    fc.jsonValue({ maxDepth: 3 }),
    nastyString,
    long(place),
  );
}

export const wrongType: fc.Arbitrary<unknown> = wrongTypeIn("body");

/** Keys that are trouble in JavaScript objects. */
export const nastyKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "", " "),
  fc.string({ maxLength: 12 }),
  nastyString,
);

/**
 * Beyond the schema: takes a (mostly valid) object and drops keys, adds keys (`__proto__`,
 * `constructor` ...), puts values of the wrong type, huge strings or unicode in its fields,
 * wraps it in an array or replaces it by a primitive.
 */
export function mutated(base: fc.Arbitrary<unknown>, place: Place = "body"): fc.Arbitrary<unknown> {
  const wrongType = wrongTypeIn(place);
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant("drop" as const), index: fc.nat() }),
    fc.record({ kind: fc.constant("add" as const), key: nastyKey, value: wrongType }),
    fc.record({ kind: fc.constant("retype" as const), index: fc.nat(), value: wrongType }),
    fc.record({ kind: fc.constant("array" as const) }),
    fc.record({ kind: fc.constant("replace" as const), value: wrongType }),
  );
  return fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([value, mutations]) => {
    let current: unknown = value;
    for (const m of mutations) {
      if (m.kind === "array") current = [current];
      else if (m.kind === "replace") current = m.value;
      else if (current && typeof current === "object" && !Array.isArray(current)) {
        const copy: Record<string, unknown> = { ...(current as Record<string, unknown>) };
        const keys = Object.keys(copy);
        if (m.kind === "add")
          Object.defineProperty(copy, m.key, {
            value: m.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else if (keys.length > 0) {
          const key = keys[m.index % keys.length]!;
          if (m.kind === "drop") delete copy[key];
          else copy[key] = m.value;
        }
        current = copy;
      }
    }
    return current;
  });
}
