/** Edit distance (insert, delete, substitute, swap two neighbours), case-insensitive: `cout` is one from `count`,
 *  `rnu` one from `run`. */
function distance(a: string, b: string): number {
  const [s, t] = [a.toLowerCase(), b.toLowerCase()];
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/** The candidate a mistyped word most likely meant: within a third of its length in edits (at least one), or the
 *  same word in another case. Undefined when nothing is that close. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of candidates) {
    if (name === word) continue; // known elsewhere (another form of a union): no help in naming it
    const d = distance(word, name);
    if (d < (best?.d ?? Infinity)) best = { name, d };
  }
  return best && best.d <= Math.max(1, Math.floor(word.length / 3)) ? best.name : undefined;
}

/** ` (did you mean X?)`, or nothing. */
export const didYouMean = (
  word: string,
  candidates: Iterable<string>,
  show: (s: string) => string = (s) => s,
): string => {
  const found = nearest(word, candidates);
  return found ? ` (did you mean ${show(found)}?)` : '';
};
