import { ferretdbEnvironment } from './embeddedFerretdb';

describe('the embedded FerretDB environment', () => {
  it('collects garbage less often than Go does by default, with a memory ceiling', () => {
    const env = ferretdbEnvironment({ PATH: '/usr/bin' });
    expect(env).toMatchObject({ GOGC: '400', GOMEMLIMIT: '512MiB', PATH: '/usr/bin' });
  });

  it('keeps what the operator set', () => {
    expect(ferretdbEnvironment({ GOGC: '100', GOMEMLIMIT: '2GiB' })).toMatchObject({ GOGC: '100', GOMEMLIMIT: '2GiB' });
  });
});
