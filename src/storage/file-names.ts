/**
 * File names for downloads: a URL's last segment, percent-decoded, made safe to use as one file
 * in one folder (no separators, no leading dots, no control characters, at most 200 bytes).
 */
import path from 'node:path';

/**
 * A safe file name for a URL: the last path segment, percent-decoded (so `GP%20Data.csv` is
 * `GP Data.csv`), stripped of anything that could leave the folder or hide the file.
 * Falls back to the Content-Disposition name, then to `download`.
 */
export function fileNameFor(url: URL, contentDisposition: string | null): string {
  const segment = url.pathname.split('/').filter(Boolean).pop() ?? '';
  const fromUrl = sanitizeFileName(safeDecode(segment));
  const fromHeader = contentDisposition ? sanitizeFileName(dispositionName(contentDisposition)) : '';
  if (fromUrl && (path.extname(fromUrl) || !fromHeader)) return fromUrl;
  return fromHeader || fromUrl || 'download';
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // a stray % that is not an escape: decode what can be decoded
    return text.replace(/(%[0-9a-f]{2})+/gi, (m) => {
      try {
        return decodeURIComponent(m);
      } catch {
        return m;
      }
    });
  }
}

export function sanitizeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (!cleaned || cleaned === '.' || cleaned === '..') return '';
  return truncateBytes(cleaned, 200);
}

function truncateBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const ext = path.extname(name).slice(0, 16);
  let stem = name.slice(0, name.length - ext.length);
  while (Buffer.byteLength(stem + ext) > max) stem = stem.slice(0, -1);
  return stem + ext;
}

function dispositionName(header: string): string {
  const star = /filename\*\s*=\s*(?:[\w-]+)?'[^']*'([^;]+)/i.exec(header);
  if (star?.[1]) return safeDecode(star[1].trim());
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1] ? safeDecode(plain[1].trim()) : '';
}
