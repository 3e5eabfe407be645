// Run by Maven (exec-maven-plugin, phase generate-resources; argument: Maven's skipTests): installs the locked
// dependencies when package-lock.json changed since the last install (npm ci), type-checks and bundles, then runs
// the unit tests of the console's logic (vitest) unless tests are skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs;
const run = (...args) => execFileSync(npm, args, { stdio: 'inherit' });
if (stale || process.env.CONVEYOR_CONSOLE_NPM_CI === 'always') {
  run('ci', '--no-audit', '--no-fund', '--prefer-offline');
}
run('run', 'build');
if (process.argv[2] !== 'true') {
  run('run', 'test:unit');
}
