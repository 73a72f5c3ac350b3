import {
  array,
  boolean,
  config,
  email,
  enum as enumOf,
  looseObject,
  maxLength,
  minLength,
  nullable,
  number,
  object,
  optional,
  pipe,
  record,
  refine,
  regex,
  string,
  superRefine,
  trim,
  union,
  unknown,
} from "zod/mini";
import en from "zod/v4/locales/en.js";

/*
 * Gatehouse's own schemas are written with `zod/mini`. The classic `z` namespace of "zod"
 * re-exports every locale and cannot be tree-shaken, so bundling it (tsup `noExternal`) made a
 * ~790 KB chunk that took ~80 ms of `import("gatehouse")` to compile.
 *
 * zod/mini registers no locale, so every message would be "Invalid input". English is set here
 * the way classic zod 4.6 does it: only when no locale is set yet. zod keeps this config on
 * `globalThis`, shared with the app's own zod, so an app's explicit `z.config(...)` wins
 * whatever the import order, and our messages stay those classic zod gave.
 */
if (!config().localeError) config(en());

/**
 * The `zod/mini` functions Gatehouse's schemas use (`z.object`, `z.optional`, `z.maxLength` ...),
 * with the English locale registered. A plain object rather than `export *`: the package is
 * `sideEffects: false`, so a module that only re-exports is dropped from the bundle with its
 * `config` call; and re-exporting the namespace itself would bundle every locale again.
 */
export const z = {
  array,
  boolean,
  email,
  enum: enumOf,
  looseObject,
  maxLength,
  minLength,
  nullable,
  number,
  object,
  optional,
  pipe,
  record,
  refine,
  regex,
  string,
  superRefine,
  trim,
  union,
  unknown,
};
