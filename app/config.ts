import { z } from 'zod';
import { DEFAULT_EARLY_WARNING_RULES, type EarlyWarningRules } from '../core/domain/earlyWarning';
import { ROLES } from '../core/domain/roles';
import { WELLBEING_LEVELS } from '../core/domain/scales';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An on/off setting written `true` or `false`. */
const flagSetting = (fallback: 'true' | 'false') => z.enum(['true', 'false']).default(fallback).transform((v) => v === 'true');

/** A setting holding JSON, checked against a schema; empty means `fallback`. */
const jsonSetting = <T extends z.ZodTypeAny>(schema: T, fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .transform((raw, ctx) => {
      try {
        return JSON.parse(raw === '' ? fallback : raw) as unknown;
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** Changes to the early-warning rules (docs/early-warning.md); anything not given keeps its default. */
const earlyWarningRulesSchema = z
  .object({
    crossDiscipline: z
      .object({
        enabled: z.boolean(),
        windowDays: z.number().int().min(1).max(365),
        minDisciplines: z.number().int().min(1).max(10),
        levels: z.array(z.enum(WELLBEING_LEVELS)).min(1),
        disciplines: z.array(z.enum(ROLES)).min(1),
      })
      .partial()
      .strict(),
    redObservation: z.object({ enabled: z.boolean(), withinDays: z.number().int().min(1).max(3650) }).partial().strict(),
    areaWorsened: z.object({ enabled: z.boolean(), turnsRed: z.boolean(), minSteps: z.number().int().min(1).max(2) }).partial().strict(),
    disagreement: z.object({ enabled: z.boolean(), minDifference: z.number().min(0.5).max(2) }).partial().strict(),
  })
  .partial()
  .strict();

/** The units of the leader's overview (docs/leader.md). */
const leaderPlace = z.object({ id: z.string().trim().min(1).max(300), name: z.string().trim().min(1).max(120) }).strict();
const leaderUnitsSchema = z
  .array(
    z
      .object({
        id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'a unit id is letters, digits, _ and -'),
        name: z.string().trim().min(1).max(120),
        leaderGroupId: z.string().regex(GUID, 'must be the Entra group object ID (a GUID)').optional(),
        leaders: z.array(z.string().regex(GUID, 'must be Entra object IDs (GUIDs)')).default([]),
        teams: z.array(leaderPlace).default([]),
        conversations: z.array(leaderPlace).default([]),
      })
      .strict()
      .refine((u) => !!u.leaderGroupId || u.leaders.length > 0, 'a unit needs leaderGroupId or leaders')
      .refine((u) => u.teams.length + u.conversations.length > 0, 'a unit needs teams or conversations'),
  )
  .max(200)
  .refine((units) => new Set(units.map((u) => u.id)).size === units.length, 'unit ids must be unique');

/** Every setting Samspil reads. `.env.example` documents each one; keep them in step. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MONGODB_URI: optionalString.pipe(z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional()),
  MONGODB_DB: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ and - only').default('samspil'),
  DATA_DIR: z.string().default('.data'),
  FERRETDB_BIN: z.string().default('.tools/bin/ferretdb'),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: optionalString,
  // Where the Bot Connector publishes the keys its tokens are signed with (docs/edge.md). Only tests change it.
  BOT_OPENID_METADATA_URL: z
    .string()
    .url()
    .refine((url) => /^https:\/\//.test(url) || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url), 'must be https (plain http only on this machine)')
    .default('https://login.botframework.com/v1/.well-known/openidconfiguration'),
  // The HTTP edge (docs/edge.md): connection timeouts and the open connections one client may hold.
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  HTTP_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(0).max(100_000).default(256),
  // The tab (see docs/tab.md). `dev` skips Entra ID for local use and is refused in production.
  TAB_AUTH_MODE: z.enum(['entra', 'dev']).default('entra'),
  TAB_CLIENT_ID: optionalString,
  TAB_CLIENT_SECRET: optionalString,
  TAB_APP_ID_URI: optionalString.pipe(z.string().regex(/^api:\/\/\S+$/, 'must look like api://<domain>/<client id>').optional()),
  TAB_ALLOWED_TENANTS: optionalString.transform((value) => (value ? value.split(',').map((id) => id.trim().toLowerCase()).filter(Boolean) : [])),
  TAB_JWKS_URI: z.string().url().default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
  TAB_GRAPH_URL: z.string().url().default('https://graph.microsoft.com'),
  // Case channels (see README, "Case channels"): where `new case` in a team puts the case.
  CASE_CHANNELS: z.enum(['current', 'dedicated', 'private']).default('current'),
  GRAPH_BASE_URL: z
    .string()
    .url()
    .refine((url) => /^https:\/\//.test(url) || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url), 'must be https (plain http only on this machine)')
    .transform((url) => url.replace(/\/+$/, ''))
    .default('https://graph.microsoft.com/v1.0'),
  ENTRA_AUTHORITY_HOST: z
    .string()
    .url()
    .startsWith('https://', 'must be https')
    .transform((url) => url.replace(/\/+$/, ''))
    .default('https://login.microsoftonline.com'),
  // Reminders (see docs/reminders.md).
  REMINDERS_ENABLED: flagSetting('true'),
  REMINDER_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  REMINDER_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  REMINDER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  REMINDER_BACKOFF_BASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  REMINDER_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).max(86400).default(3600),
  REMINDER_RATE_PER_SECOND: z.coerce.number().int().min(0).max(100000).default(30),
  REMINDER_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  REMINDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  // The audit trail (see docs/audit.md): how often every hash chain is verified (0 = only on demand).
  AUDIT_VERIFY_HOURS: z.coerce.number().min(0).max(24 * 31).default(24),
  // Closed cases are listed for the controller's deletion review this many years after closing.
  RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(5),
  // GDPR art. 15 export: include professionals-only content only where the controller decided the law allows it.
  GDPR_EXPORT_PROFESSIONAL_CONTENT: flagSetting('false'),
  // The child's voice (docs/child-voice.md): a young person recorded as 15 or older decides which professionals read it.
  CHILD_VOICE_YOUTH_CONSENT: flagSetting('false'),
  // Early warning inside a case (docs/early-warning.md): on or off, and changes to the rules as JSON.
  EARLY_WARNING_ENABLED: flagSetting('true'),
  EARLY_WARNING_RULES: jsonSetting(earlyWarningRulesSchema, '{}'),
  // The Teams app ID (the manifest's id): with it, warning cards link straight to the case's tab.
  TEAMS_APP_ID: optionalString.pipe(z.string().regex(GUID, 'must be a GUID').optional()),
  // The leader's overview (docs/leader.md): units as JSON, and when a case counts as inactive or consent as waiting long.
  LEADER_UNITS: jsonSetting(leaderUnitsSchema, '[]'),
  LEADER_INACTIVE_WEEKS: z.coerce.number().int().min(1).max(104).default(4),
  LEADER_CONSENT_PENDING_DAYS: z.coerce.number().int().min(1).max(365).default(14),
});

export type Config = z.infer<typeof configSchema>;

/** Names of settings that are secrets: they never reach a log line. */
export const SECRET_SETTINGS = ['MicrosoftAppPassword', 'MONGODB_URI', 'TAB_CLIENT_SECRET'] as const;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration – ${problems.join('; ')}`);
  }
  const config = result.data;
  if (config.MicrosoftAppId && !config.MicrosoftAppPassword && config.MicrosoftAppType !== 'UserAssignedMSI') {
    throw new ConfigError('Invalid configuration – MicrosoftAppPassword: required when MicrosoftAppId is set');
  }
  if (config.MicrosoftAppType === 'SingleTenant' && config.MicrosoftAppId && !config.MicrosoftAppTenantId) {
    throw new ConfigError('Invalid configuration – MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant');
  }
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration – HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  }
  if (config.TAB_AUTH_MODE === 'dev' && config.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration – TAB_AUTH_MODE: dev (sign-in without Entra ID) is refused when NODE_ENV is production');
  }
  if (config.TAB_AUTH_MODE === 'entra' && config.TAB_CLIENT_ID && config.TAB_ALLOWED_TENANTS.length === 0) {
    throw new ConfigError('Invalid configuration – TAB_ALLOWED_TENANTS: list the tenant IDs whose users may use the tab when TAB_CLIENT_ID is set');
  }
  return config;
}

/** The early-warning rules: the defaults with the configured changes on top. */
export function earlyWarningRules(config: Pick<Config, 'EARLY_WARNING_RULES'>): EarlyWarningRules {
  const o = config.EARLY_WARNING_RULES;
  const d = DEFAULT_EARLY_WARNING_RULES;
  return {
    crossDiscipline: { ...d.crossDiscipline, ...o.crossDiscipline },
    redObservation: { ...d.redObservation, ...o.redObservation },
    areaWorsened: { ...d.areaWorsened, ...o.areaWorsened },
    disagreement: { ...d.disagreement, ...o.disagreement },
  };
}

/** A copy that is safe to log. */
export function describeConfig(config: Config): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const key of SECRET_SETTINGS) if (copy[key] !== undefined) copy[key] = '[redacted]';
  return copy;
}
