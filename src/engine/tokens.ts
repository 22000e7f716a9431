/**
 * Word tokens of a file, sheet or URL name: split at anything that is not a letter or digit and
 * between letters and digits (`september2023` → `september`, `2023`). Names and periods are both
 * read from these tokens, so a month name only ever matches a whole word (never `summary`).
 */

export interface Token {
  readonly text: string;
  readonly lower: string;
  readonly digits: boolean;
  /** true when the token was glued to the previous one (`nov` + `25` in `nov25`) */
  readonly glued: boolean;
  /** the separator before the token ('' at the start or when glued) */
  readonly sep: string;
}

export function tokenize(name: string): Token[] {
  const out: Token[] = [];
  const re = /([A-Za-z\u00C0-\u024F]+|[0-9]+)|([^A-Za-z\u00C0-\u024F0-9]+)/g;
  let sep = '';
  let prevWasToken = false;
  for (const m of name.matchAll(re)) {
    if (m[2] !== undefined) {
      sep = m[2];
      prevWasToken = false;
      continue;
    }
    const text = m[1]!;
    out.push({ text, lower: text.toLowerCase(), digits: /^[0-9]/.test(text), glued: prevWasToken, sep });
    sep = '';
    prevWasToken = true;
  }
  return out;
}

/** Percent-decode a URL or file name; a malformed escape leaves the text as it was. */
export function decodeName(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** The last path segment of a path or URL, without query or fragment, percent-decoded. */
export function baseName(pathOrUrl: string): string {
  const noQuery = pathOrUrl.replace(/[?#].*$/, '');
  const seg =
    noQuery
      .split(/[\\/]/)
      .filter((s) => s !== '')
      .pop() ?? noQuery;
  return decodeName(seg);
}

/** A name without its file extensions (`a.csv.gz` → `a`). */
export function stripExtensions(name: string): string {
  return name.replace(/(\.(csv|tsv|txt|dat|psv|tab|xlsx|xlsm|xlsb|xls|ods|zip|gz|gzip))+$/i, '');
}
