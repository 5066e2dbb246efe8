// TEMPORARY re-export while the rooms move to src/protocol/; deleted when the last importer is gone.
export * from './protocol/schema';
