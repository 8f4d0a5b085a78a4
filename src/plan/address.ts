/**
 * The address grammar every kind builds its addresses with, and the one container that is not a
 * kind (the account). Each kind module declares the addresses of its own objects (its `address`
 * from its natural key); nothing parses an address back into names: actions carry their key.
 *
 * Pure; imports nothing.
 */

/**
 * Builds an address segment `kind[name]`. Names containing `[`, `]` or `"` are JSON-quoted so an
 * address is unambiguous.
 */
export function segment(kind: string, name: string): string {
  return /[[\]"]/.test(name) ? `${kind}[${JSON.stringify(name)}]` : `${kind}[${name}]`;
}

/** Joins segments into an address. */
export function address(...segments: readonly string[]): string {
  return segments.join('.');
}

/** `account[alias]`: the container of account-wide objects (RAM) and of undeclared instances. */
export function accountAddress(alias: string): string {
  return segment('account', alias);
}
