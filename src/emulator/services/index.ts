/**
 * Every product service the emulator serves. Each product's folder exports `service` from its
 * index.ts; add one line here when a product lands. The server core reads only this list.
 */
import type { Service } from '../core/contract.js';
import { service as ram } from './ram/index.js';

export const services: readonly Service[] = [
  ram,
];
