/** Versions: immutable snapshots of a project (create, list, diff, restore, export) and the project spec document. */
export { VersionService, createVersion, applyVersion, fieldChanges, SNAPSHOT_FORMAT } from './versionService';
