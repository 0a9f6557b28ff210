/** Contract methods and events of the devices domain (merged into the contract in contract.ts). */

export const devicesMethods = {} as const;

export const devicesEvents = {} as const;
