import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';
import { parsePemBundle } from '../pem.js';

/**
 * Lint: a custom domain of the Chart module (`module: Chart`) on an instance that declares no
 * `chartNamespaces`. Such a domain serves Helm charts, and an instance whose registry.yaml declares
 * none either serves no chart through it or has its charts outside acrctl: a warning (the service
 * registers the domain either way), as for a Chart VPC link. Pure.
 */
export const customDomainChartNeedsCharts: LintRule = {
  id: 'custom-domain-chart-needs-charts',
  severity: 'warning',
  summary: 'A custom domain of the Chart module on an instance that declares no chart namespaces',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      if (Object.keys(instance.chartNamespaces ?? {}).length > 0) continue;
      (instance.customDomains ?? []).forEach((d, index) => {
        if (d.module !== 'Chart') return;
        hits.push({
          path: ['instances', alias, 'customDomains', index, 'module'],
          message: `custom domain ${d.domain} serves Helm charts (module: Chart), but instance ${alias} declares no chartNamespaces, so no chart is served through it`,
          hint: `declare the chart namespaces under instances.${alias}.chartNamespaces, or drop module: Chart to serve images`,
        });
      });
    }
    return hits;
  },
};

/** Days before expiry from which a PEM certificate is worth renewing now. */
const EXPIRY_WARNING_DAYS = 30;

/**
 * Lint (issue 14 item 6): a custom domain's PEM certificate (after `${env:}` interpolation) that
 * expires within 30 days. acrctl uploads it as given; clients refuse the domain once it expires, and
 * an upload happens only when acrctl applies: a warning. Never quotes the PEM (the fingerprint
 * prefix and the date only). An expired or unusable bundle is a reference error instead. Pure but
 * for the clock.
 */
export const customDomainCertificateExpiresSoon: LintRule = {
  id: 'custom-domain-certificate-expires-soon',
  severity: 'warning',
  summary: 'A custom domain whose PEM certificate expires within 30 days',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    const now = Date.now();
    for (const { alias, instance } of ctx.instances) {
      (instance.customDomains ?? []).forEach((d, index) => {
        if (d.certificate.pem === undefined) return;
        const parsed = parsePemBundle(d.certificate.pem);
        if (!parsed.ok) return;
        const left = Date.parse(parsed.cert.notAfter) - now;
        if (left <= 0 || left > EXPIRY_WARNING_DAYS * 86_400_000) return;
        hits.push({
          path: ['instances', alias, 'customDomains', index, 'certificate', 'pem'],
          message: `the certificate of custom domain ${d.domain} (SHA-256 ${parsed.cert.fingerprint.slice(0, 16)}…) expires on ${parsed.cert.notAfter.slice(0, 10)}, in ${Math.ceil(left / 86_400_000)} days`,
          hint: 'renew it, set the variable to the new bundle and apply: acrctl uploads it and switches the domain',
        });
      });
    }
    return hits;
  },
};
