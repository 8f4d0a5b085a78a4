/**
 * The admin route that tells a client where a registry listens: `GET /_emulator/registry?instance=ID`
 * (an EE instance) or `?personal=REGION` (the region's Personal Edition registry). Opens the port on
 * first use.
 */
import { AdminError, type CoreAdminRoute } from '../core/admin.js';
import type { AdminContext } from '../core/contract.js';
import { CR_REGIONS } from '../services/cr/regions.js';
import { targetProblem, type Network, type RegistryTarget } from './backends.js';
import type { Registries } from './server.js';

export function registryAdminRoutes(registries: Registries, context: () => AdminContext): CoreAdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/_emulator/registry',
      summary:
        'Where a registry listens: ?instance=ID (an EE instance) or ?personal=REGION (Personal Edition), with &network=internet|vpc for the public or VPC host (a port each: the internet host of an instance refuses while its internet endpoint is off, the VPC host without a RUNNING VPC link; without network, the operator\'s door that enforces neither) → {"registry":"127.0.0.1:PORT"} (plain http, Bearer token auth; opens the port on first use)',
      mutates: false,
      run: async (q) => {
        const target = parseTarget(q);
        const problem = targetProblem(context(), target, CR_REGIONS);
        if (problem !== undefined) throw new AdminError(problem, 404);
        return { registry: await registries.address(target) };
      },
    },
  ];
}

/** The target of `?instance=` / `?personal=`; exactly one must be given. */
export function parseTarget(q: URLSearchParams): RegistryTarget {
  const instance = q.get('instance');
  const personal = q.get('personal');
  if ((instance === null) === (personal === null)) throw new AdminError('give exactly one of ?instance=<EE instance id> or ?personal=<region>');
  const network = q.get('network');
  if (network !== null && network !== 'internet' && network !== 'vpc') throw new AdminError(`network must be internet or vpc, got ${network}`);
  const door: { network?: Network } = network !== null ? { network } : {};
  if (instance !== null) {
    if (!/^cri-[a-z0-9]+$/.test(instance)) throw new AdminError(`instance must be an EE instance id (cri-…), got ${instance}`);
    return { kind: 'ee', instanceId: instance, ...door };
  }
  return { kind: 'pe', region: personal as string, ...door };
}
