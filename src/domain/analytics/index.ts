export * from './config';
export * from './duration-sketch';
export * from './minute-bucket';
export * from './views';
export * from './windowing';
export * from './alerts';
export * from './anomaly';
export * from './replay';
