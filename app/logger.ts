import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Secrets are redacted by path, wherever they turn up. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      name: 'samspil',
      level,
      redact: {
        paths: [
          'MicrosoftAppPassword',
          '*.MicrosoftAppPassword',
          'MONGODB_URI',
          '*.MONGODB_URI',
          'TAB_CLIENT_SECRET',
          '*.TAB_CLIENT_SECRET',
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          '*.*.headers.authorization',
          'headers.cookie',
          '*.headers.cookie',
          'token',
          '*.token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
