// vitest globalSetup: compile the CLI once before the tests if a source changed,
// so the many CLI runs of the suite do not each find it stale.
import { buildCli, isFresh } from '../../scripts/build-cli.mjs';

export default async function setup(): Promise<void> {
  if (!isFresh()) await buildCli({ quiet: true });
}
