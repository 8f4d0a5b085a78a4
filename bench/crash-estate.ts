/**
 * The estate the crash test (test/e2e/crash.test.ts) and the crash benchmark (bench/crash.ts) apply
 * and kill: shared so that both always exercise the same creates.
 */

export const CRASH_CONFIG = `version: 1
accounts:
  prod: { uid: "1234567890123456" }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Standard
    name: acme-hz
    vpcEndpoints: [{ vpc: vpc-bp1a, vswitch: vsw-bp1a }]
    internetEndpoint:
      enabled: true
      allow: [{ cidr: 203.0.113.0/24, description: office }, { cidr: 198.51.100.0/24, description: lab }]
    namespaces:
      team-a:
        repositories:
          api: { summary: API server }
          web: { summary: Web front end }
      team-b:
        repositories:
          job: { summary: Batch jobs }
          cron: { summary: Cron jobs }
`;

/**
 * Creates whose landed count must equal the number of objects they make. CreateInstance is not
 * here: it carries a ClientToken, so a repeat lands on the same instance; a second instance would
 * show as an unmanaged one instead.
 */
export const CRASH_EXPECTED_CREATES: Readonly<Record<string, number>> = {
  CreateNamespace: 2,
  CreateRepository: 4,
  CreateInstanceVpcEndpointLinkedVpc: 1,
  CreateInstanceEndpointAclPolicy: 2,
};

/** The creates this estate makes (`product:Action`), one of each kind of object. */
export const CRASH_CREATE_ACTIONS: readonly string[] = ['bss:CreateInstance', 'cr:CreateNamespace', 'cr:CreateRepository', 'cr:CreateInstanceVpcEndpointLinkedVpc', 'cr:CreateInstanceEndpointAclPolicy'];

/** The mutating calls of this estate, slowed down so kills land while they are in flight. */
export const CRASH_SLOW_ACTIONS = ['bss:CreateInstance', 'cr:CreateNamespace', 'cr:CreateRepository', 'cr:CreateInstanceVpcEndpointLinkedVpc', 'cr:CreateInstanceEndpointAclPolicy', 'cr:UpdateInstanceEndpointStatus'];

/** A create "landed" when the emulator answered it with success, or applied it and dropped the reply. */
export function landed(call: { readonly status: number; readonly code: string | null }): boolean {
  return (call.status === 200 && call.code === null) || call.code === 'Emulator.DroppedAfterApply';
}
