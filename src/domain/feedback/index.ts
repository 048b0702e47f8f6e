export * from './answer';
export * from './prompt';
