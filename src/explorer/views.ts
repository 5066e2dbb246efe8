// TEMPORARY re-exports while the rooms move to src/protocol/; deleted when the last importer is gone.
export type * from '../protocol/views';
export type { DecodingSettings } from '../protocol/decoding';
