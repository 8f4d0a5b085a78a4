/**
 * Alibaba Cloud sites (china = aliyun.com, international = alibabacloud.com) as far as the emulated
 * products differ by site: the BSS endpoint and product types, and the Personal Edition host names.
 * Pure; reads only the account record.
 */
import type { AccountSite, EmulatorState } from './contract.js';

/** An account's site; `china` when the account is unknown or was created without one. */
export function siteOf(state: EmulatorState, accountUid: string): AccountSite {
  return state.accounts[accountUid]?.site ?? 'china';
}

/**
 * The region whose BSS endpoint is the international site's (`business.ap-southeast-1.aliyuncs.com`,
 * what the Terraform provider switches to on `NotApplicable`); every other endpoint, and the main
 * port, is the China site's `business.aliyuncs.com`.
 */
export const INTERNATIONAL_BSS_REGION = 'ap-southeast-1';

/** The site whose BSS endpoint a request arrived on (by the port's region). */
export function bssEndpointSite(region: string): AccountSite {
  return region === INTERNATIONAL_BSS_REGION ? 'international' : 'china';
}

/** The BSS ProductType of an ACR EE instance on each site. */
export const ACR_EE_PRODUCT_TYPE: Readonly<Record<AccountSite, string>> = {
  china: 'acr_ee_public_cn',
  international: 'acr_ee_public_intl',
};

/** `registry` or `registry-intl`: the first label of the Personal Edition hosts of a site. */
export function personalRegistryLabel(site: AccountSite): string {
  return site === 'international' ? 'registry-intl' : 'registry';
}
