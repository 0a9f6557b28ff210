export * from './contract';
export * from './errors';
export * from './jobs';
export * from './projects';
export * from './transport';
