/**
 * Path patterns with `{name}` segments, shared by ROA product routes and admin routes.
 * Pure. Literal segments win over parameters when several patterns match (most literals first).
 */

export interface CompiledPattern<T> {
  readonly method: string;
  readonly pattern: string;
  readonly value: T;
  readonly segments: readonly ({ readonly literal: string } | { readonly param: string })[];
  readonly literals: number;
}

export function compilePattern<T>(method: string, pattern: string, value: T): CompiledPattern<T> {
  const segments = splitPath(pattern).map((s) => {
    const m = /^\{([A-Za-z0-9_]+)\}$/.exec(s);
    return m ? { param: m[1] ?? '' } : { literal: s };
  });
  return { method, pattern, value, segments, literals: segments.filter((s) => 'literal' in s).length };
}

/** Sorts patterns so the most specific (most literal segments) is tried first. */
export function sortPatterns<T>(patterns: CompiledPattern<T>[]): CompiledPattern<T>[] {
  return patterns.sort((a, b) => b.literals - a.literals);
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** Finds the first pattern matching method and raw path; path parameters are percent-decoded. */
export function matchPattern<T>(
  patterns: readonly CompiledPattern<T>[],
  method: string,
  rawPath: string,
): { readonly match: CompiledPattern<T>; readonly params: Record<string, string> } | undefined {
  const parts = splitPath(rawPath);
  outer: for (const p of patterns) {
    if (p.method !== method || p.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const seg = p.segments[i];
      const part = parts[i] ?? '';
      if (seg === undefined) continue outer;
      if ('literal' in seg) {
        if (seg.literal !== part) continue outer;
      } else {
        try {
          params[seg.param] = decodeURIComponent(part);
        } catch {
          continue outer;
        }
      }
    }
    return { match: p, params };
  }
  return undefined;
}
