/** Contract methods and events of the samples domain (merged into the contract in contract.ts). */

export const samplesMethods = {} as const;

export const samplesEvents = {} as const;
