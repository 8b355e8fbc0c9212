export { loadSecret, type SecretSources } from './load-secret.js';
export { readKeyFile } from './read-key-file.js';
export { DEFAULT_BATCH_ROWS, readSettings, type LlmSettings, type Settings } from './settings.js';
export { packageRoot } from './package-root.js';
export {
  gatewayConfigJsonSchema,
  GatewayConfigSchema,
  JWT_ALGORITHMS,
  loadGatewayConfig,
  parseGatewayConfig,
  readGatewayClientSettings,
  readSecretRef,
  resolveGatewayConnections,
  ROLES,
  SecretRefSchema,
  type AllowList,
  type GatewayAuthConfig,
  type GatewayClientSettings,
  type GatewayConfig,
  type GatewayConnections,
  type GatewaySourceConfig,
  type Role,
  type SecretRef,
  WEBHOOK_EVENTS,
  type WebhookEventType,
} from './gateway-config.js';
export { resolveTelemetrySettings, type TelemetrySettings } from './telemetry-settings.js';
