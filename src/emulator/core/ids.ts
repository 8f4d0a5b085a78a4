/**
 * Deterministic, persisted id generation for every product (`cri-…`, `crr-…`, `rst-…`).
 *
 * Owns: `state.counters`. Ids are a bijection of a per-prefix counter, so they are unique, stable
 * across restarts (the counters are persisted) and look random. Pure apart from the counters.
 */
import type { EmulatorState, IdGenerator } from './contract.js';

const ID_SPACE = 36n ** 16n;
/** Odd and not a multiple of 3 (digit sum 80), so coprime with 36^16: multiplying by it permutes the id space. */
const MULTIPLIER = 6_364_136_223_846_793_007n;
const OFFSET = 1_442_695_040_888_963_407n;

export function createIdGenerator(state: EmulatorState): IdGenerator {
  return {
    next(prefix: string): string {
      const n = BigInt(bump(state, `id:${prefix}`));
      let salt = 0n;
      for (const ch of prefix) salt = (salt * 131n + BigInt(ch.codePointAt(0) ?? 0)) % ID_SPACE;
      const mixed = (n * MULTIPLIER + OFFSET + salt) % ID_SPACE;
      return `${prefix}${mixed.toString(36).padStart(16, '0')}`;
    },
    seq(name: string): number {
      return bump(state, `seq:${name}`);
    },
  };
}

function bump(state: EmulatorState, key: string): number {
  const next = (state.counters[key] ?? 0) + 1;
  state.counters[key] = next;
  return next;
}
