/** Versions: immutable snapshots of a project (create, list, diff, restore, export) and the project spec document. */
export { ProjectSpecService, KEY_GATES } from './projectSpecService';
export { VersionService, createVersion, applyVersion, fieldChanges, SNAPSHOT_FORMAT } from './versionService';
