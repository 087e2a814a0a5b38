// `npm run build`: bundles src/ and commands/ into dist/src with esbuild, the way production and the Docker image
// run them (development runs the sources with tsx). One bundle per entry point (main, shard-manager) and one
// shared chunk per lazily imported subcommand, so `run "/market"` still loads no platform library; the packages in
// node_modules stay outside the bundle (native addons, pino's worker files). Type checking is `npm run typecheck`'s
// job, as it is for tsx. Why a bundle: docs/decisions.md "Start fast: one bundle".
//
// Every chunk lands in dist/src, so a module's own folder is not where its chunk is. The plugin below gives each
// module back the import.meta of its source file (src/store/migrate.ts reads dist/src/store/migrations), and the
// files the code reads beside itself are copied to the same places under dist/src.
//
// `node tools/build.mjs --out DIR` builds into DIR instead of dist/ (the build test, which must not replace the dist/
// another process may be running).
import { build } from 'esbuild';
import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const dist = path.resolve(values.out ?? path.join(root, 'dist'));
const out = path.join(dist, 'src');

/** Rewrites import.meta.url and import.meta.dirname in each source file to its own folder under dist/src. */
const sourceLocation = {
  name: 'source-location',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      // Handed to esbuild either way, so no file is read twice.
      if (!source.includes('import.meta.')) return { contents: source, loader: 'ts' };
      const folder = path.relative(path.join(root, 'src'), path.dirname(args.path)).split(path.sep).join('/');
      if (folder.startsWith('..')) throw new Error(`${args.path} reads import.meta outside src/`);
      const url = folder ? `new URL(${JSON.stringify(`./${folder}/`)}, import.meta.url).href` : 'import.meta.url';
      const dirname = folder ? `(import.meta.dirname + ${JSON.stringify(`/${folder}`)})` : 'import.meta.dirname';
      const contents = source.replaceAll('import.meta.url', `(${url})`).replaceAll('import.meta.dirname', dirname);
      return { contents, loader: 'ts' };
    });
  },
};

rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/main.ts', 'src/shard-manager.ts'],
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.11',
  packages: 'external',
  sourcemap: true,
  chunkNames: '[name]-[hash]',
  plugins: [sourceLocation],
  logLevel: 'warning',
});

// (folder, file ending): fs.globSync is Node 22+, and Node 20.11 is still supported.
const ASSETS = [
  ['src/store/migrations', '.sql'],
  ['src/store/postgres/migrations', '.sql'],
  ['src/market', '.csv'],
];
for (const [folder, ending] of ASSETS) {
  for (const name of readdirSync(path.join(root, folder)).filter((file) => file.endsWith(ending))) {
    cpSync(path.join(root, folder, name), path.join(dist, folder, name));
  }
}
