import { NO_TELEMETRY, type Telemetry, type TelemetrySettings } from './telemetry.js';

/** Loads OpenTelemetry only when there are settings: a bridge without an endpoint never imports it. */
export async function openTelemetry(settings: TelemetrySettings | undefined, serviceVersion: string): Promise<Telemetry> {
  if (!settings) return NO_TELEMETRY;
  const { createOtelTelemetry } = await import('./otel.js');
  return createOtelTelemetry(settings, serviceVersion);
}
