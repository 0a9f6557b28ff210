/**
 * Long work as jobs: id, kind, progress 0…1, log lines, cancel, result or error.
 * Jobs of a project are persisted in its `jobs` table (so the history survives and a job cut
 * short by a crash shows as interrupted); running jobs live here, so a reloaded page re-attaches.
 */
import { randomUUID } from 'node:crypto';
import type { JobInfo, JobKind, JobLogLine } from '../../shared/api/jobs';
import { KilnError } from '../../shared/errors';
import type { EventBus } from '../api/eventBus';
import type { Db } from '../store/projectDatabase';

export interface JobContext {
  readonly jobId: string;
  readonly signal: AbortSignal;
  /** progress 0…1 with an optional status line */
  progress(fraction: number, status?: string): void;
  log(message: string, level?: JobLogLine['level']): void;
  /** throws KilnError('CANCELLED') when the user cancelled */
  throwIfCancelled(): void;
}

interface RunningJob {
  info: JobInfo;
  log: JobLogLine[];
  controller: AbortController;
  lastPersist: number;
  done: Promise<unknown>;
}

const MAX_LOG_LINES = 2000;
const PERSIST_EVERY_MS = 500;

export class JobRunner {
  private readonly jobs = new Map<string, RunningJob>();
  private readonly recovered = new Set<string>();

  constructor(
    private readonly events: EventBus,
    /** the open database of a project, to persist its jobs; null when it cannot be opened */
    private readonly projectDb: (project: string) => Db | null,
  ) {}

  start<T>(kind: JobKind, title: string, project: string | null, work: (ctx: JobContext) => Promise<T>): JobInfo {
    const info: JobInfo = {
      id: randomUUID(),
      kind,
      title,
      project,
      state: 'running',
      progress: 0,
      status: 'Starting…',
      createdAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
      result: null,
    };
    const job: RunningJob = { info, log: [], controller: new AbortController(), lastPersist: 0, done: Promise.resolve() };
    this.jobs.set(info.id, job);
    this.persist(job, true);
    this.events.emit('job.updated', { ...info });

    const ctx: JobContext = {
      jobId: info.id,
      signal: job.controller.signal,
      progress: (fraction, status) => {
        info.progress = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
        if (status !== undefined) info.status = status;
        this.persist(job, false);
        this.events.emit('job.updated', { ...info });
      },
      log: (message, level = 'info') => {
        const line: JobLogLine = { at: new Date().toISOString(), level, message };
        job.log.push(line);
        if (job.log.length > MAX_LOG_LINES) job.log.splice(0, job.log.length - MAX_LOG_LINES);
        this.persistLog(job, line);
        this.events.emit('job.log', { jobId: info.id, line });
      },
      throwIfCancelled: () => {
        if (job.controller.signal.aborted) throw new KilnError('CANCELLED', `${title} was cancelled`);
      },
    };

    job.done = (async () => {
      try {
        const result = await work(ctx);
        if (job.controller.signal.aborted) throw new KilnError('CANCELLED', `${title} was cancelled`);
        info.state = 'succeeded';
        info.progress = 1;
        info.status = 'Done';
        info.result = (result ?? null) as JobInfo['result'];
      } catch (e) {
        const cancelled = job.controller.signal.aborted || (e instanceof KilnError && e.code === 'CANCELLED');
        info.state = cancelled ? 'cancelled' : 'failed';
        info.status = cancelled ? 'Cancelled' : 'Failed';
        info.error = e instanceof KilnError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
        if (!cancelled) ctx.log(info.error.message, 'error');
      }
      info.finishedAt = new Date().toISOString();
      this.persist(job, true);
      this.events.emit('job.updated', { ...info });
    })();
    return { ...info };
  }

  /** Resolves when the job has finished (whatever the outcome). */
  async wait(jobId: string): Promise<JobInfo> {
    const job = this.require(jobId);
    await job.done;
    return { ...job.info };
  }

  cancel(jobId: string): JobInfo {
    const job = this.require(jobId);
    if (job.info.state === 'running' || job.info.state === 'queued') {
      job.controller.abort();
      job.info.status = 'Cancelling…';
      this.events.emit('job.updated', { ...job.info });
    }
    return { ...job.info };
  }

  get(jobId: string): { job: JobInfo; log: JobLogLine[] } {
    const live = this.jobs.get(jobId);
    if (live) return { job: { ...live.info }, log: [...live.log] };
    throw new KilnError('NOT_FOUND', `No job ${jobId}`);
  }

  /** Running and recent jobs of this process, plus a project's persisted history. */
  list(project?: string): JobInfo[] {
    const live = [...this.jobs.values()].map((j) => ({ ...j.info })).filter((j) => project === undefined || j.project === project);
    if (project === undefined) return live.sort(byNewest);
    const db = this.safeDb(project);
    if (!db) return live.sort(byNewest);
    this.recover(project, db);
    const ids = new Set(live.map((j) => j.id));
    const rows = db.prepare('SELECT * FROM jobs ORDER BY created_at DESC LIMIT 50').all() as JobRow[];
    const persisted = rows.filter((r) => !ids.has(r.id)).map((r) => rowToInfo(r, project));
    return [...live, ...persisted].sort(byNewest);
  }

  /** Jobs a previous process left running can no longer finish: mark them interrupted. */
  private recover(project: string, db: Db): void {
    if (this.recovered.has(project)) return;
    this.recovered.add(project);
    const liveIds = [...this.jobs.keys()];
    const placeholders = liveIds.map(() => '?').join(',');
    db.prepare(
      `UPDATE jobs SET state = 'interrupted', status = 'Interrupted (Kiln was closed)', finished_at = ? WHERE state IN ('running', 'queued')` +
        (liveIds.length ? ` AND id NOT IN (${placeholders})` : ''),
    ).run(new Date().toISOString(), ...liveIds);
  }

  private persist(job: RunningJob, force: boolean): void {
    const { info } = job;
    if (!info.project) return;
    const now = Date.now();
    if (!force && now - job.lastPersist < PERSIST_EVERY_MS) return;
    job.lastPersist = now;
    const db = this.safeDb(info.project);
    if (!db) return;
    this.recover(info.project, db);
    db.prepare(
      `INSERT INTO jobs (id, kind, title, state, progress, status, created_at, finished_at, error, result)
       VALUES (@id, @kind, @title, @state, @progress, @status, @createdAt, @finishedAt, @error, @result)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, progress = excluded.progress, status = excluded.status,
         finished_at = excluded.finished_at, error = excluded.error, result = excluded.result`,
    ).run({
      ...info,
      error: info.error ? JSON.stringify(info.error) : null,
      result: info.result === null || info.result === undefined ? null : JSON.stringify(info.result),
    });
  }

  private persistLog(job: RunningJob, line: JobLogLine): void {
    if (!job.info.project) return;
    const db = this.safeDb(job.info.project);
    if (!db) return;
    this.persist(job, true);
    db.prepare('INSERT INTO job_logs (job_id, seq, at, level, message) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM job_logs WHERE job_id = ?), ?, ?, ?)').run(
      job.info.id,
      job.info.id,
      line.at,
      line.level,
      line.message,
    );
  }

  private safeDb(project: string): Db | null {
    try {
      return this.projectDb(project);
    } catch {
      return null;
    }
  }

  private require(jobId: string): RunningJob {
    const job = this.jobs.get(jobId);
    if (!job) throw new KilnError('NOT_FOUND', `No running job ${jobId}`);
    return job;
  }
}

interface JobRow {
  id: string;
  kind: string;
  title: string;
  state: string;
  progress: number;
  status: string;
  created_at: string;
  finished_at: string | null;
  error: string | null;
  result: string | null;
}

function rowToInfo(r: JobRow, project: string): JobInfo {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    title: r.title,
    project,
    state: r.state as JobInfo['state'],
    progress: r.progress,
    status: r.status,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    error: r.error ? (JSON.parse(r.error) as JobInfo['error']) : null,
    result: r.result ? (JSON.parse(r.result) as unknown) : null,
  };
}

function byNewest(a: JobInfo, b: JobInfo): number {
  return b.createdAt.localeCompare(a.createdAt);
}
