/** Contract methods and events of the training domain (merged into the contract in contract.ts). */

export const trainingMethods = {} as const;

export const trainingEvents = {} as const;
