/*
 * Public API of the orders domain. Import from here, not from the individual modules, so that the
 * modules can be rearranged without touching callers.
 */
export * from '../shared/errors';
export * from '../shared/envelope';
export {
  IsoDateTime,
  isIsoDateTime,
  NonEmptyString,
  NonNegativeInteger,
  PositiveInteger,
} from '../shared/codecs';
export { issuesFromDecodeErrors } from '../shared/io-ts-issues';
export * from './money';
export * from './order-values';
export * from './place-order';
export * from './pricing';
export * from './redaction';
export * from './events';
export * from './order-envelopes';
export * from './commands';
export * from './state';
export * from './evolve';
export * from './decide';
export * from './view';
export * from './request-hash';
export * from './saga-errors';
export * from './review-errors';
export * from './owner';
export * from './errors';
export * from './visibility';
