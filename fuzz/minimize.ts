// Delta debugging by lines (Zeller's ddmin): the smallest program, line by
// line, that still fails the same way, within a time budget.

/**
 * Remove chunks of lines while `fails` still holds: halves, then quarters,
 * and so on down to single lines. Returns the smallest program found before
 * the deadline (Date.now() value).
 */
export async function minimize(source: string, fails: (src: string) => Promise<boolean>, deadline: number): Promise<string> {
  let lines = source.split('\n');
  let n = 2;
  while (lines.length >= 2 && Date.now() < deadline) {
    const size = Math.ceil(lines.length / n);
    let removed = false;
    for (let i = 0; i < lines.length && Date.now() < deadline; i += size) {
      const candidate = [...lines.slice(0, i), ...lines.slice(i + size)];
      if (candidate.length > 0 && (await fails(candidate.join('\n')))) {
        lines = candidate;
        n = Math.max(n - 1, 2);
        removed = true;
        break;
      }
    }
    if (!removed) {
      if (size === 1) break;
      n = Math.min(n * 2, lines.length);
    }
  }
  return lines.join('\n');
}
