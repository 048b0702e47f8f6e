// Every workflow the workers serve; the bundler starts here. Each pipeline lists its own.
export * from './system-check';
export * from './risk';
export * from './stt';
export * from './etl';
