/**
 * Reading a manifest: YAML → zod → semantic checks, every problem tied to a line of the file.
 * `checkManifest` collects all problems (for `manifest validate`); `readManifest` throws the
 * first error as a one-line `MANIFEST_INVALID` naming file and line.
 */
import fs from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { DatawarpError } from '../../errors.js';
import { Manifest } from './schema.js';
import { semanticProblems } from './rules.js';

export interface ManifestProblem {
  readonly level: 'error' | 'warning';
  /** 1-based line in the manifest, when the problem has a place */
  readonly line: number | null;
  /** dotted key path, e.g. `sources.3.files.0.mode` */
  readonly path: string;
  readonly message: string;
}

export interface ParsedManifest {
  readonly file: string;
  readonly manifest: Manifest;
  /** the YAML document, so datawarp can update state without losing comments */
  readonly doc: Document;
  readonly warnings: readonly ManifestProblem[];
}

export interface ManifestCheck {
  readonly file: string;
  readonly manifest: Manifest | null;
  readonly doc: Document | null;
  readonly problems: readonly ManifestProblem[];
}

/** Locates key paths in a parsed document. */
export interface LineFinder {
  lineOf(path: readonly (string | number)[]): number | null;
}

/** Parse and check `text`; never throws for a bad manifest, returns its problems instead. */
export function checkManifest(text: string, file: string): ManifestCheck {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const problems = doc.errors.map<ManifestProblem>((e) => ({
      level: 'error',
      line: counter.linePos(e.pos[0]).line || null,
      path: '',
      message: `not valid YAML: ${e.message.split('\n')[0]}`,
    }));
    return { file, manifest: null, doc: null, problems };
  }
  const finder = lineFinder(doc, counter);
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw) || !('manifest' in (raw as object)))
    return {
      file,
      manifest: null,
      doc,
      problems: [
        {
          level: 'error',
          line: 1,
          path: '',
          message:
            raw && typeof raw === 'object' && 'golden_datasets' in raw
              ? 'not a manifest but a golden-datasets list: its entries name the manifests to validate'
              : 'not a manifest: expected a top-level `manifest:` block and a `sources:` list',
        },
      ],
    };
  const result = Manifest.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map<ManifestProblem>((issue) => {
      const keyPath = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      const missing = issue.code === 'invalid_type' && issue.input === undefined;
      return {
        level: 'error',
        line: finder.lineOf(keyPath),
        path: keyPath.join('.'),
        message: missing ? 'is required' : issue.message,
      };
    });
    return { file, manifest: null, doc, problems: sortProblems(problems) };
  }
  const problems = semanticProblems(result.data, raw as Record<string, unknown>, finder, file);
  return { file, manifest: result.data, doc, problems: sortProblems(problems) };
}

/** Read and check a manifest file; throws `MANIFEST_INVALID` (or `FILE_NOT_FOUND`) on the first error. */
export function readManifest(file: string): ParsedManifest {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DatawarpError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'MANIFEST_INVALID',
      code === 'ENOENT' ? 'manifest not found' : `cannot read the manifest: ${(err as Error).message}`,
      { file, hint: 'give the path of a manifest YAML file', cause: err },
    );
  }
  const check = checkManifest(text, file);
  const error = check.problems.find((p) => p.level === 'error');
  if (error || !check.manifest || !check.doc) throw problemError(file, error);
  return {
    file,
    manifest: check.manifest,
    doc: check.doc,
    warnings: check.problems.filter((p) => p.level === 'warning'),
  };
}

export function problemError(file: string, problem: ManifestProblem | undefined): DatawarpError {
  const message = problem ? `${problem.path ? `${problem.path}: ` : ''}${problem.message}` : 'not a manifest';
  return new DatawarpError('MANIFEST_INVALID', message, {
    file,
    location: problem?.line ? { line: problem.line } : undefined,
    hint: 'run `datawarp manifest validate FILE` for every problem; docs/manifests.md describes the format',
  });
}

/** `file:line: level: path: message`, the form editors and CI annotate. */
export function formatProblem(file: string, p: ManifestProblem): string {
  const where = p.line ? `${file}:${p.line}` : file;
  return `${where}: ${p.level}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

function sortProblems(problems: ManifestProblem[]): ManifestProblem[] {
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** Line of the deepest node that exists along `keyPath` (its key, for map entries). */
export function lineFinder(doc: Document, counter: LineCounter): LineFinder {
  return {
    lineOf(keyPath) {
      let node: unknown = doc.contents;
      let offset: number | undefined = (node as YamlNode | null)?.range?.[0];
      for (const key of keyPath) {
        if (isMap(node)) {
          const pair = node.items.find(
            (p) => String((p.key as { value?: unknown } | null)?.value) === String(key),
          );
          if (!pair) break;
          offset = (pair.key as YamlNode | null)?.range?.[0] ?? offset;
          node = pair.value;
        } else if (isSeq(node)) {
          const item = node.items[Number(key)] as YamlNode | undefined;
          if (!item) break;
          offset = item.range?.[0] ?? offset;
          node = item;
        } else break;
      }
      return offset === undefined ? null : counter.linePos(offset).line;
    },
  };
}
