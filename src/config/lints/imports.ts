/**
 * Lints about import rules from Personal Edition or OSS (DOMAIN.md "Import from Personal Edition or
 * OSS", seed 002). Pure.
 */
import { isRestrictedCloudRegion, type LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

/** Regions whose zones support image import over a VPC (seed 002, public cloud). */
export const IMPORT_REGIONS: readonly string[] = [
  'cn-beijing', 'cn-hangzhou', 'cn-shenzhen', 'cn-shanghai', 'cn-zhangjiakou', 'cn-hongkong',
  'ap-southeast-1', 'ap-southeast-5', 'us-east-1', 'us-west-1', 'eu-west-1', 'eu-central-1',
  'ap-northeast-1', 'cn-chengdu', 'cn-heyuan',
];

/** Inclusive bounds of `latest` on an import rule (seed 002: 0..1000, 0 = no images). */
export const IMPORT_LATEST_MIN = 0;
export const IMPORT_LATEST_MAX = 1000;

export const importLatestOutOfRange: LintRule = {
  id: 'import-latest-out-of-range',
  severity: 'error',
  summary: `An import's latest is not a whole number in ${IMPORT_LATEST_MIN}..${IMPORT_LATEST_MAX}`,
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      (instance.imports ?? []).forEach((rule, index) => {
        const latest = rule.latest;
        if (latest === undefined) return;
        if (Number.isInteger(latest) && latest >= IMPORT_LATEST_MIN && latest <= IMPORT_LATEST_MAX) return;
        hits.push({
          path: ['instances', alias, 'imports', index, 'latest'],
          message:
            `latest is ${String(latest)}; an import copies the latest N images per repository with N a whole number ` +
            `from ${IMPORT_LATEST_MIN} to ${IMPORT_LATEST_MAX} (0 imports metadata only). Set latest within that range`,
          hint: 'an import copies the latest 0 to 1000 images per repository',
        });
      });
    }
    return hits;
  },
};

export const importNeedsVpcEndpoint: LintRule = {
  id: 'import-needs-vpc-endpoint',
  severity: 'error',
  summary: 'An instance with import rules has no VPC endpoint (public cloud)',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      if ((instance.imports ?? []).length === 0) continue;
      if ((instance.vpcEndpoints ?? []).some((l) => (l.module ?? 'Registry') === 'Registry')) continue; // a Chart link carries no image traffic
      // Finance and government clouds skip the VPC step (seed 002).
      if (isRestrictedCloudRegion(instance.region)) continue;
      hits.push({
        path: ['instances', alias, 'imports'],
        message:
          `instance ${alias} has import rules but no VPC endpoint; imports run over a VPC bound to the instance. ` +
          `Add vpcEndpoints: [{ vpc: vpc-…, vswitch: vsw-… }] with a vSwitch in a zone that supports import, and a ` +
          `security group allowing TCP 443 in from the VPC CIDR`,
        hint: 'image import runs over a VPC: bind a VPC to the Enterprise Edition instance (vpcEndpoints) before importing',
      });
    }
    return hits;
  },
};

export const importRegionUnsupported: LintRule = {
  id: 'import-region-unsupported',
  severity: 'error',
  summary: 'An instance with import rules is in a region where import is not offered',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      if ((instance.imports ?? []).length === 0) continue;
      if (IMPORT_REGIONS.includes(instance.region) || isRestrictedCloudRegion(instance.region)) continue;
      hits.push({
        path: ['instances', alias, 'region'],
        message:
          `instance ${alias} is in ${instance.region}, where image import is not offered; import works in ` +
          `${IMPORT_REGIONS.join(', ')}. Import into an instance in one of those regions, then replicate`,
        hint: 'image import from Personal Edition is offered only in some regions and zones',
      });
    }
    return hits;
  },
};

export const IMPORT_LINTS: readonly LintRule[] = [importLatestOutOfRange, importNeedsVpcEndpoint, importRegionUnsupported];
