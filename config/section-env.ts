/** The environment's types: the whole of it, and the part one configuration section reads. */

/** The process environment, or a test's stand-in for it. */
export type Env = Record<string, string | undefined>;

/**
 * The environment as one section sees it: only the variables it declares (see `variables.ts`), so the compiler
 * refuses a read of a variable missing from the section's list.
 */
export type SectionEnv<Names extends readonly string[]> = { readonly [Name in Names[number]]?: string | undefined };
