/**
 * The environment the examples in examples/ need, as a user would export it: the write-only
 * secrets they give as `${env:NAME}` (examples/full-estate's instance login password, issue 14
 * item 8). Every test that runs an example passes it to the CLI.
 */
export const EXAMPLE_ENV: Readonly<Record<string, string>> = { ACR_LOGIN_PASSWORD: 'Example-passw0rd' };
