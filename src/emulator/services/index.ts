/**
 * Every product service the emulator serves. Each product's folder exports `service` from its
 * index.ts; add one line here when a product lands. The server core reads only this list.
 */
import type { Service } from '../core/contract.js';
import { service as ram } from './ram/index.js';
import { service as cbn } from './cbn/index.js';
import { service as vpc } from './vpc/index.js';
import { service as pvtz } from './pvtz/index.js';
import { service as sts } from './sts/index.js';
import { service as cr } from './cr/index.js';
import { service as crpe } from './crpe/index.js';
import { service as bss } from './bss/index.js';
import { service as cas } from './cas/index.js';

export const services: readonly Service[] = [
  cr,
  crpe,
  bss,
  ram,
  cbn,
  vpc,
  pvtz,
  sts,
  cas,
];
