/** Types of net-guard.mjs (plain JavaScript so child processes can load it with --import). */
export declare const GUARD_CODE: 'EACRCTL_NET_GUARD';
export interface NetGuardViolation {
  readonly pid: number;
  readonly what: string;
  readonly target: string;
  readonly at: string;
}
export declare function isLoopbackAddress(address: unknown): boolean;
export declare function installNetGuard(): void;
export declare function takeViolations(): NetGuardViolation[];
