/**
 * Lint: a custom domain's certificate given as `pem`. cr 2018-12-01 registers a domain with the id
 * of a certificate already in Certificate Management Service (CreateInstanceCustomizedDomain
 * `CertId`) and has no action that uploads one, so acrctl cannot use a PEM yet. An error, so that
 * nothing is planned or changed for a certificate that would never be installed. Pure.
 */
import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

export const customDomainPemNeedsUpload: LintRule = {
  id: 'custom-domain-pem-needs-upload',
  severity: 'error',
  summary: 'A custom domain whose certificate is a PEM: the registry API only takes the id of an uploaded certificate',
  check(ctx: LintContext): LintHit[] {
    const hits: LintHit[] = [];
    for (const { alias, instance } of ctx.instances) {
      (instance.customDomains ?? []).forEach((d, index) => {
        if (d.certificate.pem === undefined) return;
        hits.push({
          path: ['instances', alias, 'customDomains', index, 'certificate', 'pem'],
          message:
            `the certificate of custom domain ${d.domain} is a PEM, but Container Registry takes only the id of a certificate in Certificate Management Service ` +
            `(there is no upload action in its API). Upload the certificate there and set certificate.id (and certificate.region) instead`,
          hint: 'Certificate Management Service console → Upload Certificate, then copy its id',
        });
      });
    }
    return hits;
  },
};

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
