// The shared contracts of the gateway: money, error codes, events and HTTP schemas. Producer and
// consumer import the same schemas, so a contract change shows up as a type error on both sides.
export * from './money.ts';
export * from './errors.ts';
export * from './primitives.ts';
export * from './storable-text.ts';
export * from './business-date.ts';
export * from './events/index.ts';
export * from './http/index.ts';
export * from './clients.ts';
export * from './asyncapi.ts';
