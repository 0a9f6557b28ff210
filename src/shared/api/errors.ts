import { z } from 'zod';

/** What every failed call returns across a transport. */
export const apiError = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ApiError = z.infer<typeof apiError>;

export type ApiResponse<T> = { ok: true; result: T } | { ok: false; error: ApiError };
