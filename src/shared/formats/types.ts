/** A sample as read from a file or a board, before it is stored. */
export interface SensorInfo {
  name: string;
  /** e.g. 'm/s2', 'deg/s', 'wav', 'N/A' */
  units: string;
}

export interface ParsedSample {
  /** label from the file (name or content), when known */
  label?: string;
  deviceName?: string;
  deviceType?: string;
  /** ms between readings; for images 0 */
  intervalMs: number;
  sensors: SensorInfo[];
  /** interleaved: values[reading * sensors.length + sensor]; images: one packed 0xRRGGBB per pixel */
  values: Float32Array;
  /** number of readings (time series) or pixels (images) */
  readings: number;
  /** images only */
  width?: number;
  height?: number;
  /** true/false when the file carried an HS256 signature that was checked; null when unsigned */
  signatureValid?: boolean | null;
}
