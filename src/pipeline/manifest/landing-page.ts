/**
 * A publication's landing page (e.g. digital.nhs.uk/.../may-2025) links to its data files.
 * This collects those links: every `href` that resolves to a csv, xlsx, xls, ods or zip file,
 * absolute, de-duplicated, in page order. Names are percent-decoded only for matching and
 * display; the URL itself is kept as the server spells it.
 */
import { safeDecode } from '../../storage/download.js';

export const DATA_EXTENSIONS = ['.csv', '.xlsx', '.xlsm', '.xls', '.ods', '.zip', '.csv.gz', '.tsv'] as const;

export interface PageLink {
  readonly url: string;
  /** the decoded file name, e.g. `GP Practice Data Jan 2025.csv` */
  readonly name: string;
  /** the link's visible text, tags stripped */
  readonly text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1]?.toLowerCase() === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** The data-file links of an HTML page at `pageUrl`. */
export function collectDataLinks(html: string, pageUrl: string): PageLink[] {
  const out: PageLink[] = [];
  const seen = new Set<string>();
  const anchor = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
  for (const match of html.matchAll(anchor)) {
    const attrs = match[1] ?? '';
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i.exec(attrs);
    const raw = href?.[1] ?? href?.[2] ?? href?.[3];
    if (!raw) continue;
    let url: URL;
    try {
      url = new URL(decodeEntities(raw.trim()), pageUrl);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    const name = safeDecode(url.pathname.split('/').filter(Boolean).pop() ?? '');
    if (!isDataFileName(name) || seen.has(url.href)) continue;
    seen.add(url.href);
    const text = decodeEntities((match[2] ?? '').replace(/<[^>]*>/g, ' '))
      .replace(/\s+/g, ' ')
      .trim();
    out.push({ url: url.href, name, text });
  }
  return out;
}

export function isDataFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return DATA_EXTENSIONS.some((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

/** The page's `<title>`, for the manifest's description. */
export function pageTitle(html: string): string | null {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  const t = m?.[1] ? decodeEntities(m[1]).replace(/\s+/g, ' ').trim() : '';
  return t || null;
}
