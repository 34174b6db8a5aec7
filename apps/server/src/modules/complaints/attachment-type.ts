// What a file is, told by its bytes. Pure: the upload routes and the e-mail intake ask it before
// anything is stored. An allow-list: what is not recognised as one of the accepted types is refused,
// with a reason for the ones people most often try (programs, archives, web pages).
import { createHash } from 'node:crypto';
import { COMPLAINT_ATTACHMENT_MAX_BYTES, type ComplaintAttachmentType } from '@vafa/contracts';

export type AttachmentRefusal = 'empty' | 'too_large' | 'executable' | 'archive' | 'markup' | 'unsupported_type';

export type SniffedType = { ok: true; contentType: ComplaintAttachmentType } | { ok: false; reason: AttachmentRefusal };

const startsWith = (bytes: Buffer, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);
const ascii = (text: string) => [...Buffer.from(text, 'latin1')];

const EXECUTABLES: readonly (readonly number[])[] = [
  ascii('MZ'), // Windows PE, DOS
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xce, 0xfa, 0xed, 0xfe], [0xcf, 0xfa, 0xed, 0xfe], // Mach-O
  [0xca, 0xfe, 0xba, 0xbe], // Mach-O universal, Java class
  [0x00, 0x61, 0x73, 0x6d], // WebAssembly
  ascii('#!'), // a script with an interpreter line
];
const ARCHIVES: readonly (readonly number[])[] = [
  ascii('PK\x03\x04'), ascii('PK\x05\x06'), ascii('PK\x07\x08'), // zip, and docx/xlsx/jar/apk, which are zips
  [0x1f, 0x8b], // gzip
  ascii('Rar!\x1a\x07'),
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  ascii('BZh'),
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // OLE2 (old Office files, MSI)
];

/** Markup a browser would render or run if it ever got the chance: HTML, SVG, XML, scripts. */
const MARKUP = /^\s*<|<\s*(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta|link|style|xml|\?xml)\b|javascript:/i;

/** Text: UTF-8 (a BOM allowed) with no NUL nor control characters besides tab, line breaks and form feed. */
function plainText(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex -- the control characters are what is looked for
  return /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text) ? undefined : text;
}

/** The accepted type of a file's content, or why it is refused. */
export function sniffAttachmentType(bytes: Buffer): SniffedType {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  if (bytes.length > COMPLAINT_ATTACHMENT_MAX_BYTES) return { ok: false, reason: 'too_large' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { ok: true, contentType: 'image/jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, contentType: 'image/png' };
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return { ok: true, contentType: 'image/gif' };
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return { ok: true, contentType: 'image/webp' };
  if (startsWith(bytes, ascii('%PDF-'))) return { ok: true, contentType: 'application/pdf' };
  if (EXECUTABLES.some((signature) => startsWith(bytes, signature))) return { ok: false, reason: 'executable' };
  if (ARCHIVES.some((signature) => startsWith(bytes, signature))) return { ok: false, reason: 'archive' };
  const text = plainText(bytes);
  if (text === undefined) return { ok: false, reason: 'unsupported_type' };
  if (MARKUP.test(text.replace(/^\uFEFF/, ''))) return { ok: false, reason: 'markup' };
  return { ok: true, contentType: 'text/plain' };
}

export const sha256Hex = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const EXTENSIONS: Record<ComplaintAttachmentType, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'application/pdf': 'pdf', 'text/plain': 'txt',
};

/**
 * A file name safe to store and to offer back: no path, no control or bidi-override characters
 * (which can make "gpj.exe" read as "exe.jpg"), at most 200 characters, and the extension of
 * the detected type, so the name never claims another type than the content.
 */
export function safeAttachmentName(name: string | undefined, contentType: ComplaintAttachmentType): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex -- control characters are what is removed
    .replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 180);
  const extension = EXTENSIONS[contentType];
  const stem = base.replace(/\.[^.]{1,10}$/, '') || 'attachment';
  return `${stem}.${extension}`;
}

/** An ASCII rendering for the plain `filename=` of Content-Disposition; the UTF-8 name goes in `filename*`. */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
