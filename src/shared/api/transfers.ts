import { z } from 'zod';

/** What a method returns when it offers a file: fetch it once with the renderer's `download(offer)`. */
export const downloadOffer = z.object({ downloadId: z.string(), fileName: z.string(), bytes: z.number() });
export type DownloadOfferInfo = z.infer<typeof downloadOffer>;

/**
 * Transfers with the host's own dialogs (the desktop app): the page never names a path. In the
 * web shell the same files move over authenticated HTTP (`/transfers/…`, see src/main/transfers).
 */
export const transfersMethods = {
  /** Desktop app: asks where to save an offered download, in the main process; `savedTo` is null when cancelled. */
  'transfers.save': {
    args: z.object({ downloadId: z.string().min(1).max(100) }).strict(),
    result: z.object({ savedTo: z.string().nullable() }),
  },
  /** Desktop app: asks for a file with the main process's dialog and keeps it as an upload; null when cancelled. */
  'transfers.open': {
    args: z
      .object({
        title: z.string().max(200).optional(),
        extensions: z
          .array(z.string().regex(/^\w{1,10}$/, 'An extension is letters or digits'))
          .max(20)
          .optional(),
      })
      .strict(),
    result: z.object({ uploadId: z.string(), fileName: z.string(), bytes: z.number() }).nullable(),
  },
} as const;
