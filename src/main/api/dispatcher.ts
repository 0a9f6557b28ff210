/**
 * The single entry for every call from every host: looks the method up in the contract,
 * validates the arguments, runs the handler and turns any failure into a typed error result.
 */
import { z } from 'zod';
import { contract, isMethod, type Method, type ParsedArgsOf, type ResultOf } from '../../shared/api/contract';
import type { ApiError, ApiResponse } from '../../shared/api/errors';
import { isKilnError } from '../../shared/errors';

export type Handler<M extends Method> = (args: ParsedArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
export type Handlers = { [M in Method]: Handler<M> };

export interface DispatcherOptions {
  /** also validate results against the contract (on in tests and development) */
  validateResults?: boolean;
  /** where unexpected errors are reported */
  onInternalError?: (method: string, error: unknown) => void;
  /** runs after every call, whatever its outcome (the composition root checkpoints projects here) */
  afterCall?: () => void;
}

export class Dispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly options: DispatcherOptions = {},
  ) {}

  async call(method: unknown, rawArgs: unknown): Promise<ApiResponse<unknown>> {
    if (typeof method !== 'string' || !isMethod(method)) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: `Unknown method ${JSON.stringify(method)}` } };
    }
    const spec = contract[method];
    const parsed = spec.args.safeParse(rawArgs ?? {});
    if (!parsed.success) return { ok: false, error: zodToApiError(method, parsed.error) };
    try {
      const handler = this.handlers[method] as (a: unknown) => Promise<unknown> | unknown;
      const result = await handler(parsed.data);
      if (this.options.validateResults) {
        const check = spec.result.safeParse(result);
        if (!check.success) throw new Error(`Result of ${method} does not match the contract: ${z.prettifyError(check.error)}`);
      }
      return { ok: true, result };
    } catch (e) {
      return { ok: false, error: toApiError(method, e, this.options.onInternalError) };
    } finally {
      try {
        this.options.afterCall?.();
      } catch (e) {
        this.options.onInternalError?.(method, e);
      }
    }
  }
}

function zodToApiError(method: string, error: z.ZodError): ApiError {
  const first = error.issues[0];
  const field = first?.path.join('.') ?? '';
  const message = first ? `${field ? `${field}: ` : ''}${first.message}` : 'Invalid arguments';
  return {
    code: 'BAD_REQUEST',
    message: `${method}: ${message}`,
    details: { field, issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
  };
}

export function toApiError(method: string, e: unknown, report?: (method: string, error: unknown) => void): ApiError {
  if (isKilnError(e)) return { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) };
  report?.(method, e);
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message: `Unexpected error in ${method}: ${message}` };
}

export type { Method };
