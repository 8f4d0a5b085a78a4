/**
 * Regions the cr 2018-12-01 endpoint map lists (cr-2018-12-01.json `endpointRegions`), sorted.
 * BSS refuses an instance in any other region.
 */
export const CR_REGIONS: readonly string[] = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-3',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ap-southeast-8',
  'cn-beijing',
  'cn-beijing-finance-1',
  'cn-chengdu',
  'cn-fuzhou',
  'cn-guangzhou',
  'cn-hangzhou',
  'cn-hangzhou-finance',
  'cn-heyuan',
  'cn-heyuan-acdr-1',
  'cn-hongkong',
  'cn-huhehaote',
  'cn-nanjing',
  'cn-north-2-gov-1',
  'cn-qingdao',
  'cn-shanghai',
  'cn-shanghai-finance-1',
  'cn-shenzhen',
  'cn-shenzhen-finance-1',
  'cn-wuhan-lr',
  'cn-wulanchabu',
  'cn-wulanchabu-gic-1',
  'cn-zhangjiakou',
  'cn-zhengzhou-jva',
  'cn-zhongwei',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'me-central-1',
  'me-east-1',
  'na-south-1',
  'us-east-1',
  'us-southeast-1',
  'us-west-1',
];

/** Finance and government cloud regions: public-cloud instances cannot replicate into them (003). */
export function isIsolatedCloud(region: string): boolean {
  return /-(finance|gov)(-|$)/.test(region);
}
