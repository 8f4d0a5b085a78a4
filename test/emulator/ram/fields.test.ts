import { describe, expect, it } from 'vitest';
import { checkFields } from './fields.js';

describe('checkFields (the conformance field checker itself)', () => {
  it('accepts a documented body', () => {
    expect(checkFields('ram-2015-05-01.json', 'GetAccountAlias', { RequestId: 'x', AccountAlias: 'a' })).toEqual(['RequestId', 'AccountAlias']);
  });
  it('rejects an undocumented field, a wrong type, and a missing top-level field', () => {
    expect(() => checkFields('ram-2015-05-01.json', 'GetAccountAlias', { RequestId: 'x', AccountAlias: 'a', Extra: 1 })).toThrow(/Extra is not documented/);
    expect(() => checkFields('cbn-2017-09-12.json', 'DescribeCens', { RequestId: 'x', PageNumber: '1', PageSize: 10, TotalCount: 0, Cens: { Cen: [] } })).toThrow(/PageNumber should be number/);
    expect(() => checkFields('ram-2015-05-01.json', 'GetAccountAlias', { RequestId: 'x' })).toThrow(/AccountAlias is missing/);
    expect(() => checkFields('vpc-2016-04-28.json', 'DescribeVpcs', { RequestId: 'x', PageNumber: 1, PageSize: 1, TotalCount: 1, Vpcs: { Vpc: [{ VpcId: 'v', Bogus: 'y' }] } })).toThrow(/Vpcs.Vpc\[\].Bogus/);
  });
});
