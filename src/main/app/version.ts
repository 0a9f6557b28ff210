/** Kiln's version, written into every project file it creates. */
export const KILN_VERSION = '0.1.0';
