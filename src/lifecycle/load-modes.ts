/** A source's load modes; a module of their own so the CLI can list them without loading the registry. */
export const LOAD_MODES = ['append', 'replace', 'fullload'] as const;
export type LoadMode = (typeof LOAD_MODES)[number];
