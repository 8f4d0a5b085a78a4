/**
 * STS 2015-04-01 through the official SDK `@alicloud/sts20150401`: who am I (GetCallerIdentity, used
 * to check that each account's credentials belong to the declared UID) and AssumeRole (used by the
 * `ramRoleArn` credentials kind when the endpoint is an emulator over http, which the credentials
 * library's own provider cannot reach: it always uses https).
 * Calls go through the session pipeline (rate limit, retries, counters) like every other product.
 */
import * as stsModule from '@alicloud/sts20150401';
import { READ, type SdkCallFn } from './pipeline.js';
import { bodyOf, cjsDefault, runtimeOptions, sdkConfig, type ClientConfig, type ModelFields } from './sdk.js';

const StsSdk = cjsDefault<typeof stsModule.default.default>(stsModule);
export type StsSdkClient = InstanceType<typeof StsSdk>;
export type GetCallerIdentityBody = NonNullable<stsModule.GetCallerIdentityResponse['body']>;
export type AssumeRoleBody = NonNullable<stsModule.AssumeRoleResponse['body']>;
export type AssumeRoleFields = ModelFields<stsModule.AssumeRoleRequest>;

/** Creates the official STS client for one account. */
export function createStsSdk(config: ClientConfig): StsSdkClient {
  return new StsSdk(sdkConfig(config));
}

export class StsClient {
  /** Resolves the SDK client on first use (the endpoint lookup may be asynchronous). */
  readonly #sdk: () => Promise<StsSdkClient>;
  readonly #call: SdkCallFn;

  constructor(sdk: () => Promise<StsSdkClient>, call: SdkCallFn) {
    this.#sdk = sdk;
    this.#call = call;
  }

  /** The caller's account UID (`AccountId`), ARN and identity type. */
  getCallerIdentity(): Promise<GetCallerIdentityBody> {
    return this.#call('GetCallerIdentity', READ, async () =>
      bodyOf(await (await this.#sdk()).getCallerIdentityWithOptions(runtimeOptions()), 'GetCallerIdentity'),
    );
  }

  /** Temporary credentials for a role. The result holds secrets: never print or log it. */
  assumeRole(req: AssumeRoleFields): Promise<AssumeRoleBody> {
    return this.#call('AssumeRole', READ, async () =>
      bodyOf(await (await this.#sdk()).assumeRoleWithOptions(new stsModule.AssumeRoleRequest(req), runtimeOptions()), 'AssumeRole'),
    );
  }
}
