/** Contract methods and events of the impulse domain (merged into the contract in contract.ts). */

export const impulseMethods = {} as const;

export const impulseEvents = {} as const;
