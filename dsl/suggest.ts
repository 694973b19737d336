/** "Did you mean" suggestions for misspelt names (actions, fields, inputs, steps). */

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Names longer than this get no suggestion (and are no suggestion). */
const SUGGEST_MAX_LENGTH = 100;

/** The candidate closest to `name`, if it is close enough to be a plausible typo (a third of the length). */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  // Nobody mistypes a name this long, and the edit distance costs the product of the lengths: a hostile playbook with
  // a 60 KB step id held `cordon lint` for minutes.
  if (name.length > SUGGEST_MAX_LENGTH) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate.length > SUGGEST_MAX_LENGTH) continue;
    const [a, b] = [name.toLowerCase(), candidate.toLowerCase()];
    // A truncated name (`okta.suspend` for `okta.suspend_user`) is a likely slip even when the edit distance is long.
    const contained = a.length >= 3 && (b.includes(a) || a.includes(b));
    const distance = contained ? 1 : editDistance(a, b);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const plausible = bestDistance < name.length && bestDistance <= Math.max(2, Math.ceil(name.length / 3));
  return best !== undefined && plausible ? best : undefined;
}

/** ` (did you mean "x"?)`, or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closest(name, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
