import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// The fleet tests need real engines: start them once for the whole run, tear them down at the end.
// Never skip: if the fleet cannot start, the run fails and says why.

const script = path.resolve('test/fleet/fleet.sh');

function fleetUp(): boolean {
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default function setup(): () => void {
  if (process.getuid?.() !== 0) {
    throw new Error('the test fleet needs root (it creates network namespaces and starts dockerd); run `npm test` as root');
  }
  if (!fs.existsSync(path.resolve('dist/cli.cjs'))) {
    throw new Error('dist/cli.cjs is missing: run `npm run build` (npm test does it first)');
  }
  const hosts = process.env.DOCKPIT_FLEET_HOSTS ?? '3';
  // A developer rerunning one file keeps the fleet (DOCKPIT_KEEP_FLEET=1): when it is all up, use it rather
  // than take it down and start it again (3-5 minutes on a loaded machine). CI never sets it.
  if (process.env.DOCKPIT_KEEP_FLEET && fleetUp()) {
    console.log('test fleet: already up, reused (DOCKPIT_KEEP_FLEET)');
    return () => undefined;
  }
  try {
    execFileSync('bash', [script, 'up', hosts], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (err) {
    throw new Error(`the test fleet did not start (bash ${script} up ${hosts}): ${(err as Error).message}`);
  }
  return () => {
    if (process.env.DOCKPIT_KEEP_FLEET) return;
    execFileSync('bash', [script, 'down'], { stdio: ['ignore', 'inherit', 'inherit'] });
  };
}
