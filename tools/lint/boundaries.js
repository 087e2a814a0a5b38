// A small ESLint rule for the import arrows of docs/architecture.md.
// Each zone (a folder) lists the project folders it may import from and which packages it may use.
// Relative imports are resolved to a path, so '../options.ts' inside src/engine/backtest stays legal.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** @type {{zone: string, allow: string[], packages: 'none' | 'any', deny?: string[]}[]} */
export const zones = [
  { zone: 'src/engine', allow: ['src/engine'], packages: 'none' },
  {
    zone: 'src/app',
    allow: ['src/app', 'src/engine'],
    packages: 'any',
    deny: ['discord.js', 'telegraf', 'better-sqlite3'],
  },
  {
    zone: 'commands',
    allow: ['commands', 'src/app', 'src/engine'],
    packages: 'any',
    deny: ['discord.js', 'telegraf', 'better-sqlite3', 'node-cron'],
  },
  {
    zone: 'src/store',
    allow: ['src/store', 'src/app', 'src/engine'],
    packages: 'any',
    deny: ['discord.js', 'telegraf'],
  },
  {
    zone: 'src/market',
    allow: ['src/market', 'src/app', 'src/engine'],
    packages: 'any',
    deny: ['discord.js', 'telegraf', 'better-sqlite3'],
  },
  {
    zone: 'src/render',
    allow: ['src/render', 'src/app', 'src/engine'],
    packages: 'any',
    deny: ['discord.js', 'telegraf', 'better-sqlite3'],
  },
  {
    zone: 'src/scheduler',
    allow: ['src/scheduler', 'src/app', 'src/engine', 'src/render', 'src/market', 'src/store'],
    packages: 'any',
    deny: ['discord.js', 'telegraf'],
  },
  {
    zone: 'src/platforms/discord',
    allow: ['src/platforms/discord', 'src/app', 'src/engine', 'src/render', 'src/scheduler'],
    packages: 'any',
    deny: ['telegraf'],
  },
  {
    zone: 'src/platforms/telegram',
    allow: ['src/platforms/telegram', 'src/app', 'src/engine', 'src/render', 'src/scheduler'],
    packages: 'any',
    deny: ['discord.js'],
  },
  {
    zone: 'src/platforms',
    allow: ['src/platforms', 'src/app', 'src/engine', 'src/render', 'src/scheduler'],
    packages: 'any',
    deny: ['discord.js', 'telegraf'],
  },
  // The outer layer: configuration, logging, the composition root, the bots and the CLI. Zones may be single files.
  { zone: 'src/config.ts', allow: ['src/config.ts', 'src/store/paths.ts'], packages: 'any' },
  { zone: 'src/logging.ts', allow: ['src/logging.ts', 'src/app'], packages: 'any' },
  {
    // The composition root of the core: no platform library is loaded by it.
    zone: 'src/compose.ts',
    allow: [
      'src/compose.ts',
      'src/config.ts',
      'commands',
      'src/app',
      'src/market',
      'src/render',
      'src/scheduler',
      'src/store',
    ],
    packages: 'any',
    deny: ['discord.js', 'telegraf'],
  },
  {
    // The bots reach each platform through its adapter only.
    zone: 'src/bots.ts',
    allow: [
      'src/bots.ts',
      'src/compose.ts',
      'src/config.ts',
      'src/logging.ts',
      'src/app',
      'src/platforms',
      'src/scheduler',
    ],
    packages: 'any',
    deny: ['discord.js', 'telegraf'],
  },
  {
    zone: 'src/cli',
    allow: [
      'src/cli',
      'src/compose.ts',
      'src/config.ts',
      'commands',
      'src/app',
      'src/engine',
      'src/market',
      'src/render',
      'src/scheduler',
      'src/platforms',
    ],
    packages: 'any',
    deny: ['discord.js', 'telegraf'],
  },
];

const inside = (file, folder) => {
  const rel = path.relative(path.join(root, folder), file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

export const rule = {
  meta: { type: 'problem', schema: [], docs: { description: 'import arrows of docs/architecture.md' } },
  create(context) {
    const file = context.filename ?? context.getFilename();
    // The most specific zone wins (src/platforms/discord before src/platforms).
    const zone = zones.filter((z) => inside(file, z.zone)).sort((a, b) => b.zone.length - a.zone.length)[0];
    if (!zone) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = path.resolve(path.dirname(file), spec);
        if (!zone.allow.some((folder) => inside(target, folder))) {
          context.report({
            node,
            message: `${zone.zone} may not import ${path.relative(root, target)} (allowed: ${zone.allow.join(', ')})`,
          });
        }
        return;
      }
      const name = packageName(spec);
      if (zone.packages === 'none') {
        context.report({ node, message: `${zone.zone} is pure: it imports no package ('${spec}')` });
      } else if (zone.deny?.includes(name)) {
        context.report({ node, message: `${zone.zone} may not import '${name}'` });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { imports: rule } };
