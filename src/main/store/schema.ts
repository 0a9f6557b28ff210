/**
 * Schema of a project file. Migrations run forward, in order, each in its own transaction;
 * `PRAGMA user_version` holds the version reached. Never edit a released migration: add one.
 */

/** 'KILN' as a big-endian int: marks a SQLite file as a Kiln project (PRAGMA application_id). */
export const KILN_APPLICATION_ID = 0x4b494c4e;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'project meta, samples, impulses, feature cache, models, tuner trials, versions, jobs',
    sql: `
      CREATE TABLE project (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE samples (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        label       TEXT NOT NULL,
        category    TEXT NOT NULL CHECK (category IN ('train', 'test')),
        sensors     TEXT NOT NULL,
        interval_ms REAL NOT NULL,
        readings    INTEGER NOT NULL DEFAULT 0,
        width       INTEGER,
        height      INTEGER,
        data        BLOB NOT NULL DEFAULT x'',
        hash        TEXT,
        source      TEXT NOT NULL,
        device_name TEXT,
        device_type TEXT,
        status      TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('recording', 'complete', 'truncated')),
        note        TEXT,
        created_at  TEXT NOT NULL,
        deleted_at  TEXT
      ) STRICT;
      CREATE INDEX samples_live ON samples (deleted_at, label, category);
      CREATE INDEX samples_hash ON samples (hash);

      CREATE TABLE sample_chunks (
        sample_id INTEGER NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,
        data      BLOB NOT NULL,
        PRIMARY KEY (sample_id, seq)
      ) STRICT;

      CREATE TABLE impulses (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        definition TEXT NOT NULL,
        hash       TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE feature_cache (
        sample_hash TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        windows     INTEGER NOT NULL,
        features    BLOB NOT NULL,
        created_at  TEXT NOT NULL,
        PRIMARY KEY (sample_hash, config_hash)
      ) STRICT;

      CREATE TABLE models (
        id             INTEGER PRIMARY KEY,
        impulse_id     INTEGER REFERENCES impulses (id) ON DELETE SET NULL,
        learning_block TEXT NOT NULL,
        spec           TEXT NOT NULL,
        settings       TEXT NOT NULL,
        weights        BLOB,
        metrics        TEXT,
        dataset_hash   TEXT NOT NULL,
        impulse_hash   TEXT NOT NULL,
        seed           INTEGER NOT NULL,
        backend        TEXT NOT NULL,
        active         INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL
      ) STRICT;

      CREATE TABLE tuner_trials (
        id         INTEGER PRIMARY KEY,
        run_id     TEXT NOT NULL,
        config     TEXT NOT NULL,
        metrics    TEXT,
        state      TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE versions (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        snapshot    TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;

      CREATE TABLE jobs (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        title       TEXT NOT NULL,
        state       TEXT NOT NULL,
        progress    REAL NOT NULL DEFAULT 0,
        status      TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        finished_at TEXT,
        error       TEXT,
        result      TEXT
      ) STRICT;

      CREATE TABLE job_logs (
        job_id  TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        seq     INTEGER NOT NULL,
        at      TEXT NOT NULL,
        level   TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      ) STRICT;
    `,
  },
  {
    version: 2,
    description: 'feature configs (which block a feature-cache entry belongs to), custom DSP blocks',
    sql: `
      CREATE TABLE feature_configs (
        config_hash TEXT PRIMARY KEY,
        block_id    TEXT NOT NULL,
        block       TEXT NOT NULL,
        config      TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX feature_configs_block ON feature_configs (block_id);
      CREATE INDEX feature_cache_config ON feature_cache (config_hash);

      CREATE TABLE custom_blocks (
        name       TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        code       TEXT NOT NULL,
        params     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 3,
    description: 'covering index for the dataset table (filter, search and sort without reading sample data)',
    sql: `
      CREATE INDEX samples_list ON samples (deleted_at, label, category, name, source, readings, interval_ms);
    `,
  },
  {
    version: 4,
    description: 'built libraries (deployment exports kept in the project with their hash)',
    sql: `
      CREATE TABLE built_libraries (
        id           INTEGER PRIMARY KEY,
        model_id     INTEGER NOT NULL,
        name         TEXT NOT NULL,
        format       TEXT NOT NULL CHECK (format IN ('c', 'arduino', 'onnx')),
        precision    TEXT NOT NULL CHECK (precision IN ('int8', 'float32')),
        board        TEXT,
        kiln_version TEXT NOT NULL,
        size_bytes   INTEGER NOT NULL,
        sha256       TEXT NOT NULL,
        summary      TEXT NOT NULL,
        zip          BLOB NOT NULL,
        created_at   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX built_libraries_created ON built_libraries (created_at);
    `,
  },
  {
    version: 5,
    description: 'versions: the samples a version refers to (never purged while referred to) and copies of its models',
    sql: `
      ALTER TABLE versions ADD COLUMN snapshot_format INTEGER NOT NULL DEFAULT 1;
      CREATE TABLE version_samples (
        version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
        sample_id  INTEGER NOT NULL REFERENCES samples (id),
        hash       TEXT NOT NULL,
        name       TEXT NOT NULL,
        label      TEXT NOT NULL,
        category   TEXT NOT NULL,
        PRIMARY KEY (version_id, sample_id)
      ) STRICT;
      CREATE INDEX version_samples_sample ON version_samples (sample_id);
      CREATE TABLE version_models (
        version_id     INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
        model_id       INTEGER NOT NULL,
        learning_block TEXT NOT NULL,
        spec           TEXT NOT NULL,
        settings       TEXT NOT NULL,
        weights        BLOB,
        metrics        TEXT,
        dataset_hash   TEXT NOT NULL,
        impulse_hash   TEXT NOT NULL,
        seed           INTEGER NOT NULL,
        backend        TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        PRIMARY KEY (version_id, model_id)
      ) STRICT;
    `,
  },
];

export const CURRENT_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
