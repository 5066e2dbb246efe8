// TEMPORARY re-exports while the rooms move to src/protocol/; deleted when the last importer is gone.
export * from './protocol/explorer';
export * from './protocol/walkthrough';
export { DECODING_LIMITS } from './protocol/decoding';
