/**
 * Addresses of every kind's objects, in one place so the planner, the kinds, renderers and
 * `--target` agree. Pure.
 */
import { address, segment } from '../plan/model.js';

export const addr = {
  account: (alias: string) => segment('account', alias),
  instance: (alias: string) => segment('instance', alias),
  namespace: (instance: string, ns: string) => address(addr.instance(instance), segment('namespace', ns)),
  repository: (instance: string, ns: string, repo: string) => address(addr.namespace(instance, ns), segment('repository', repo)),
  tag: (instance: string, ns: string, repo: string, tag: string) => address(addr.repository(instance, ns, repo), segment('tag', tag)),
  vpcLink: (instance: string, vpc: string, vswitch: string) => address(addr.instance(instance), segment('vpc-link', `${vpc}/${vswitch}`)),
  internetEndpoint: (instance: string) => address(addr.instance(instance), 'internet-endpoint'),
  aclEntry: (instance: string, cidr: string) => address(addr.instance(instance), segment('acl', cidr)),
  personalEditionDomain: (instance: string) => address(addr.instance(instance), 'personal-edition-domain'),
  authDomainTakeover: (instance: string) => address(addr.instance(instance), 'auth-domain-takeover'),
  syncRule: (instance: string, rule: string) => address(addr.instance(instance), segment('replication', rule)),
  backfill: (instance: string, rule: string, ns: string, repo: string, tag: string) =>
    address(addr.syncRule(instance, rule), segment('backfill', `${ns}/${repo}:${tag}`)),
  /** An import rule, keyed by its source (`personal:cn-hangzhou/team-a`; see image-import.ts `importKey`). */
  importRule: (instance: string, key: string) => address(addr.instance(instance), segment('import', key)),
  /** One image an import rule copies, named as it lands in the target (`image[team-a/api:v1]`). */
  importImage: (instance: string, key: string, ns: string, repo: string, tag: string) =>
    address(addr.importRule(instance, key), segment('image', `${ns}/${repo}:${tag}`)),
  ramRole: (account: string, role: string) => address(addr.account(account), segment('ram-role', role)),
  ramPolicy: (account: string, policy: string) => address(addr.account(account), segment('ram-policy', policy)),
  ramAttachment: (account: string, role: string, policy: string) => address(addr.account(account), segment('ram-attachment', `${role}/${policy}`)),
  crossRegion: (name: string) => segment('cross-region', name),
  vpcRoute: (access: string, which: string) => address(addr.crossRegion(access), segment('vpc-route', which)),
  trRoute: (access: string, which: string) => address(addr.crossRegion(access), segment('tr-route', which)),
  unmanagedInstance: (account: string, region: string, name: string) => address(addr.account(account), segment('instance', `${region}/${name}`)),
} as const;
