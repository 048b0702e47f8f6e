// All SQL of the moderation pipeline (migration 008), one module per table family.
export * from './batches';
export * from './items';
export * from './labels';
export * from './models';
