import 'dotenv/config';
import { ConfigError, describeConfig, loadConfig } from './config';
import { startEmbeddedFerretdb, StartupError, type EmbeddedDatabase } from './embeddedFerretdb';
import { createLogger } from './logger';
import { startApp } from './server';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  logger.info({ config: describeConfig(config) }, 'starting Samspil');

  let embedded: EmbeddedDatabase | undefined;
  let mongoUri = config.MONGODB_URI;
  if (!mongoUri) {
    embedded = await startEmbeddedFerretdb({
      binary: config.FERRETDB_BIN,
      dataDir: config.DATA_DIR,
      // The app supervises its embedded database: a crash is logged and it is started again.
      onEvent: (event) => {
        if (event.kind === 'exited') logger.error({ ...event }, 'the embedded FerretDB stopped; restarting it');
        else if (event.kind === 'restarted') logger.warn({ ...event }, 'the embedded FerretDB is running again');
        else logger.error({ ...event }, 'the embedded FerretDB did not restart; trying again');
      },
    });
    mongoUri = embedded.uri;
    logger.info({ port: embedded.port, dataDir: config.DATA_DIR }, 'embedded FerretDB started');
  }

  let app;
  try {
    app = await startApp({ config, logger, mongoUri });
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await app.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // Start-up problems are the user's to fix: one clear sentence, no stack trace.
  if (error instanceof ConfigError || error instanceof StartupError) console.error(error.message);
  else console.error('Samspil could not start:', error);
  process.exit(1);
});
