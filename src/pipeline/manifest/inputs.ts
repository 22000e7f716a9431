/**
 * What `manifest create` is given, turned into data files to describe: a local file, every data
 * file of a local folder, a data file URL, or every data-file link of a landing page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DatawarpError } from '../../errors.js';
import { downloadToCache, type DownloadOptions } from '../../storage/download.js';
import type { Workspace } from '../../storage/workspace.js';
import { displayNameOf, isUrl } from './files.js';
import { collectDataLinks, isDataFileName, pageTitle } from './landing-page.js';

/** A data file to describe: where it came from and what it is called. */
export interface Candidate {
  readonly locator: string;
  readonly url: string | null;
  readonly displayName: string;
  readonly page: { readonly url: string; readonly title: string | null } | null;
}

/** One input → the data files it stands for: itself, a folder's data files, or a page's links. */
export async function expandInput(
  ws: Workspace,
  input: string,
  download: DownloadOptions,
  progress: (m: string) => void,
): Promise<Candidate[]> {
  if (!isUrl(input)) {
    const absolute = path.resolve(input);
    const stat = fs.statSync(absolute, { throwIfNoEntry: false });
    if (!stat) throw new DatawarpError('FILE_NOT_FOUND', 'file not found', { file: absolute });
    if (stat.isDirectory())
      return fs
        .readdirSync(absolute)
        .filter(isDataFileName)
        .sort()
        .map((f) => ({ locator: path.join(absolute, f), url: null, displayName: f, page: null }));
    return [{ locator: absolute, url: null, displayName: path.basename(absolute), page: null }];
  }
  const displayName = displayNameOf(input);
  if (isDataFileName(displayName)) return [{ locator: input, url: input, displayName, page: null }];
  // Not named like a data file: fetch it (a page is fetched afresh unless offline) and look.
  progress(`reading ${input}`);
  const got = await downloadToCache(ws, input, { ...download, refresh: !download.offline });
  if (!looksLikeHtml(got.path, got.bytes)) return [{ locator: input, url: input, displayName, page: null }];
  const html = fs.readFileSync(got.path, 'utf8');
  const links = collectDataLinks(html, got.finalUrl);
  if (!links.length)
    throw new DatawarpError('NO_TABLE', `${input}: the page links to no csv, xlsx, xls, ods or zip files`, {
      hint: 'give the data files' + "' URLs directly",
    });
  const title = pageTitle(html);
  progress(`${links.length} data file${links.length === 1 ? '' : 's'} linked from ${title ?? input}`);
  return links.map((l) => ({
    locator: l.url,
    url: l.url,
    displayName: l.name,
    page: { url: got.finalUrl, title },
  }));
}

/** Landing pages are small HTML documents; anything else is treated as a data file. */
const MAX_PAGE_BYTES = 20 * 1024 * 1024;

function looksLikeHtml(file: string, bytes: number): boolean {
  if (bytes > MAX_PAGE_BYTES) return false;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(bytes, 2048));
    fs.readSync(fd, buf, 0, buf.length, 0);
    const head = buf.toString('latin1').trimStart().toLowerCase();
    return head.startsWith('<!doctype html') || head.startsWith('<html') || /<(head|body)\b/.test(head);
  } finally {
    fs.closeSync(fd);
  }
}
