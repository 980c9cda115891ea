// Display width of terminal text: East-Asian wide and fullwidth characters (kanji, kana, fullwidth
// digits) take 2 columns, combining marks 0, ANSI escape sequences 0, everything else 1. The
// ambiguous-width characters a dashboard uses (box drawing, block elements, arrows, '·') count 1,
// as wcwidth and every non-CJK terminal locale do.
//
// defines: displayWidth, fitWidth, padStartWidth, stripAnsi

/** CSI (ESC [ … final byte) and OSC-free SGR-style sequences; what this module emits. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC (\x1b) terminal escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, "");

/** 2 for wide/fullwidth code points (East Asian Width W or F), 0 for zero-width ones, else 1. */
export function codePointWidth(cp: number): number {
  if (cp < 0x300) return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 0 : 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff)
    return 0;
  if (cp < 0x1100) return 1;
  if (
    cp <= 0x115f || // Hangul Jamo initials
    (cp >= 0x2e80 && cp <= 0x303e) || // CJK radicals, symbols and punctuation
    (cp >= 0x3041 && cp <= 0x33ff) || // kana, CJK compatibility (・ U+30FB included)
    (cp >= 0x3400 && cp <= 0x4dbf) || // CJK extension A
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
    (cp >= 0xa000 && cp <= 0xa4cf) || // Yi
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xfe30 && cp <= 0xfe4f) || // CJK compatibility forms
    (cp >= 0xff00 && cp <= 0xff60) || // fullwidth forms (９ … １, ：)
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) || // pictographs, emoticons
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd) // CJK extensions B…
  )
    return 2;
  return 1;
}

/** Columns `s` occupies on a terminal, ignoring ANSI escape sequences. */
export function displayWidth(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x1b) {
      i = skipEscape(s, i) - 1;
      continue;
    }
    if (c < 0x300) {
      w += c < 0x20 || (c >= 0x7f && c < 0xa0) ? 0 : 1;
      continue;
    }
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    w += codePointWidth(cp);
  }
  return w;
}

/** Index just past the escape sequence starting at s[i] (an ESC). */
function skipEscape(s: string, i: number): number {
  if (s[i + 1] !== "[") return i + 2;
  let j = i + 2;
  while (j < s.length) {
    const c = s.charCodeAt(j++);
    if (c >= 0x40 && c <= 0x7e) break;
  }
  return j;
}

/**
 * `s` cut or padded with spaces to exactly `width` columns. Escape sequences are kept; a wide
 * character that would straddle the edge becomes a space; a cut string that carried escapes ends
 * with a reset so colour does not leak past it.
 */
export function fitWidth(s: string, width: number): string {
  if (width <= 0) return "";
  let w = 0,
    out = "",
    sawEscape = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x1b) {
      const end = skipEscape(s, i);
      out += s.slice(i, end);
      sawEscape = true;
      i = end - 1;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const cw = codePointWidth(cp);
    if (w + cw > width) {
      // Cut here: pad what is left, close any open colour.
      return out + " ".repeat(width - w) + (sawEscape ? "\x1b[0m" : "");
    }
    out += s.slice(i, i + len);
    w += cw;
    i += len - 1;
  }
  return out + " ".repeat(width - w);
}

/** `s` right-aligned in `width` columns (cut on the right when longer). */
export function padStartWidth(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? fitWidth(s, width) : " ".repeat(width - w) + s;
}
