export * from './professions.js';
export * from './id-number.js';
export * from './uscc.js';
export * from './workflow.js';
export * from './errors.js';
export * from './forms.js';
export * from './declarations.js';
export * from './api.js';
