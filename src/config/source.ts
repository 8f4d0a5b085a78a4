/**
 * Bytes of a config file to text: size limit, encoding checks, byte-order marks.
 *
 * Contract: pure; answers either the decoded text or one error finding with the exact position of the
 * problem (the first invalid UTF-8 byte, or 1:1 for size and UTF-16/32 files). Never echoes content.
 */
import type { Finding } from './model.js';

/** Default size limit: generous for a hand-written estate (tens of thousands of repositories). */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

export type DecodeResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly finding: Finding };

/** Human size, e.g. `4 MiB`, `20.5 MiB`, `812 bytes`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${trim(n / 1024)} KiB`;
  return `${trim(n / (1024 * 1024))} MiB`;
}

function trim(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

/** A size-limit finding; used before reading a file whose size is already known from `stat`. */
export function tooLarge(file: string, size: number, maxBytes: number): Finding {
  return {
    id: 'file/too-large',
    severity: 'error',
    message: `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for a registry.yaml`,
    location: { file, line: 1, column: 1 },
    path: [],
    hint: 'split the estate into several files, or raise the limit with --max-bytes if this file really is hand-written config',
  };
}

/** Decodes UTF-8 bytes (an optional UTF-8 BOM is dropped), or explains why not. */
export function decodeSource(bytes: Uint8Array, file: string, maxBytes = DEFAULT_MAX_BYTES): DecodeResult {
  if (bytes.length > maxBytes) return { ok: false, finding: tooLarge(file, bytes.length, maxBytes) };
  const b0 = bytes[0];
  const b1 = bytes[1];
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    return {
      ok: false,
      finding: {
        id: 'file/encoding',
        severity: 'error',
        message: 'file is UTF-16 (it starts with a UTF-16 byte-order mark); registry.yaml must be UTF-8',
        location: { file, line: 1, column: 1 },
        path: [],
        hint: 'save the file as UTF-8 (for example: iconv -f UTF-16 -t UTF-8)',
      },
    };
  }
  const start = b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const bad = firstInvalidUtf8(bytes, start);
  if (bad !== -1) {
    const { line, column } = positionOfByte(bytes, start, bad);
    return {
      ok: false,
      finding: {
        id: 'file/encoding',
        severity: 'error',
        message: `invalid UTF-8 byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')}; registry.yaml must be UTF-8`,
        location: { file, line, column },
        path: [],
        hint: 'the file was probably saved in a legacy encoding (Latin-1, GBK, Shift-JIS); re-save it as UTF-8',
      },
    };
  }
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  const control = CONTROL.exec(text);
  if (control) {
    const before = text.slice(0, control.index);
    const line = before.split('\n').length;
    const column = control.index - (before.lastIndexOf('\n') + 1) + 1;
    const code = text.charCodeAt(control.index);
    return {
      ok: false,
      finding: {
        id: 'file/control-character',
        severity: 'error',
        message: `control character U+${code.toString(16).toUpperCase().padStart(4, '0')} in the file; YAML does not allow it`,
        location: { file, line, column },
        path: [],
        hint: 'remove it (control characters can also hide text or rewrite a terminal when printed)',
      },
    };
  }
  return { ok: true, text };
}

/** C0 controls except tab, LF and CR; DEL; C1 controls but NEL (U+0085). YAML 1.2 forbids all of them in a stream. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/;

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array, from = 0): number {
  let i = from;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in UTF-16 code units, like the rest of acrctl) of byte `offset`. */
function positionOfByte(bytes: Uint8Array, from: number, offset: number): { line: number; column: number } {
  let lineStart = from;
  let line = 1;
  for (let i = from; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // The bytes before the bad one on this line are valid UTF-8: decode them to count code units.
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: prefix.length + 1 };
}
