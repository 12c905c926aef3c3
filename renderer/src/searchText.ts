/**
 * A search result's text as pieces, the matches marked, cut to a snippet around the first
 * match. Pure, and plain strings only: the panel renders each piece as React text (a
 * `<mark>` around matches), never as HTML.
 */

export interface Piece {
  text: string;
  match: boolean;
}

/** Characters kept before the first match when the text is cut. */
const LEAD = 24;
/** Characters shown at most (the row also clamps to two lines). */
const SNIPPET = 160;

/**
 * Where `query` occurs in `text`, ignoring the case of letters, as the stores search
 * (SQLite's trigram index and the memory log both fold case). Folding is used only where
 * it keeps every string's length (it does for Chinese and almost all Latin text; 'İ' is
 * one character that folds to two), so the positions found are positions in `text`.
 */
export function matchRanges(text: string, query: string): Array<[number, number]> {
  if (query === '') return [];
  const lowerText = text.toLowerCase();
  const lowerQuery = query.toLowerCase();
  const fold = lowerText.length === text.length && lowerQuery.length === query.length;
  const hay = fold ? lowerText : text;
  const needle = fold ? lowerQuery : query;
  const ranges: Array<[number, number]> = [];
  // Each match ends where the next search starts: at most text.length / query.length rounds.
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + needle.length)) ranges.push([at, at + needle.length]);
  return ranges;
}

/** Moves `i` off the second half of a surrogate pair, so a cut never splits a character. */
function charStart(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return i > 0 && c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}

/** `text` as pieces with the matches of `query` marked, cut around the first match with '…' where cut. */
export function highlightPieces(text: string, query: string): Piece[] {
  const ranges = matchRanges(text, query);
  const first = ranges[0]?.[0] ?? 0;
  const start = first > LEAD ? charStart(text, first - LEAD) : 0;
  const end = Math.max(start, Math.min(text.length, charStart(text, start + SNIPPET)));
  const pieces: Piece[] = [];
  if (start > 0) pieces.push({ text: '…', match: false });
  let at = start;
  for (const [from, to] of ranges) {
    if (to <= start) continue;
    if (from >= end) break;
    if (from > at) pieces.push({ text: text.slice(at, from), match: false });
    pieces.push({ text: text.slice(Math.max(from, at), Math.min(to, end)), match: true });
    at = Math.min(to, end);
  }
  if (at < end) pieces.push({ text: text.slice(at, end), match: false });
  if (end < text.length) pieces.push({ text: '…', match: false });
  return pieces;
}
