export {
  formatManifestFile,
  parsePublicKey,
  parseSigningKey,
  signingKeyId,
  signManifest,
  UNSIGNED_NOTE,
  verifyManifestText,
  type ManifestCheck,
  type ManifestFile,
} from './manifest-signature.js';
export {
  buildManifest,
  planOfManifest,
  type ManifestInput,
  type ManifestTable,
  type SnapshotManifest,
} from './snapshot-manifest.js';
