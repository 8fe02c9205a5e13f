/*
 * Public API of the inventory domain. Import from here, not from the individual modules.
 */
export * from './errors';
export * from './stock-level';
export * from './reservation';
