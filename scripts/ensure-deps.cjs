// Installs dependencies when node_modules is missing or older than the lockfile,
// so `npm start` and `npm test` work on a fresh clone with nothing run before them.
const { existsSync, statSync } = require('node:fs');
const { execSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  // `npm install` (not `npm ci`): the lockfile names optional native builds for other platforms
  // that the registry here does not serve; install honours the lockfile and skips them.
  console.log('[setup] installing dependencies…');
  execSync('npm install --no-fund --no-audit', { cwd: root, stdio: 'inherit' });
}
