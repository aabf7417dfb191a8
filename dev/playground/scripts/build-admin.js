// @ts-check
/**
 * `npm run build:playground-admin`: builds the playground's admin panel (with this plugin's built
 * admin from dist/) into dev/playground/build, which Strapi serves when SERVE_ADMIN=true.
 *
 * Skipped when dev/playground/build was made from the same inputs: the build takes a minute or more.
 * `strapi build` itself cannot be used here: it finds the repository's tsconfig.json above the
 * playground, takes the JavaScript playground for a TypeScript app and fails to compile it.
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const APP_DIR = path.join(__dirname, '..');
const ROOT = path.join(APP_DIR, '..', '..');
const OUT_DIR = path.join(APP_DIR, 'build');
const STAMP = path.join(OUT_DIR, '.inputs-hash');
const STRAPI_DIR = path.dirname(require.resolve('@strapi/strapi/package.json'));

/** @param {string} dir @returns {string[]} */
const filesUnder = (dir) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]
    )
    .sort();

/** Everything the admin bundle is built from: this plugin's admin, the app's config and Strapi. */
const inputsHash = () => {
  const hash = createHash('sha256');
  const inputs = [
    ...filesUnder(path.join(ROOT, 'dist', 'admin')),
    ...filesUnder(path.join(APP_DIR, 'config')),
    path.join(APP_DIR, 'package.json'),
    path.join(STRAPI_DIR, 'package.json'),
  ];
  for (const file of inputs) hash.update(path.relative(ROOT, file)).update(fs.readFileSync(file));
  return hash.digest('hex');
};

const main = async () => {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'admin'))) {
    throw new Error('dist/admin is missing: run `npm run build` first.');
  }
  const hash = inputsHash();
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash) {
    process.stdout.write('playground admin is up to date (dev/playground/build)\n');
    return;
  }

  // Strapi's own build, called as `strapi build` would, minus the TypeScript detection.
  const { build } = require(path.join(STRAPI_DIR, 'dist', 'src', 'node', 'build.js'));
  const { createLogger } = require(
    path.join(STRAPI_DIR, 'dist', 'src', 'cli', 'utils', 'logger.js')
  );
  const started = Date.now();
  // Vite resolves the generated entry (.strapi/client/app.js) from the working directory.
  process.chdir(APP_DIR);
  await build({
    cwd: APP_DIR,
    logger: createLogger({ debug: false, silent: false, timestamp: false }),
    tsconfig: undefined,
    bundler: 'vite',
    minify: true,
    sourcemap: false,
    stats: false,
  });
  fs.writeFileSync(STAMP, hash);
  process.stdout.write(
    `playground admin built in ${Math.round((Date.now() - started) / 1000)} s\n`
  );
};

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
