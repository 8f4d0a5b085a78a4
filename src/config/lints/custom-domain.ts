import type { LintContext } from './context.js';
import type { LintHit, LintRule } from './types.js';

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
