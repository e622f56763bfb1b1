/**
 * The layering `npm run lint` checks (.dependency-cruiser.cjs) bites: a copy of src with one
 * planted violation fails it, naming the rule, and the list of pure modules is exactly the modules
 * that say `Pure.` in their module comment.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scratchDir } from '../../helpers/scratch.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: Array<{ name: string; from: { path?: string } }>;
};

/** lint runs dependency-cruiser over a copy of src with `plant` appended to one file; resolves with its output. */
async function lintWith(file: string, plant: string): Promise<{ ok: boolean; out: string }> {
  const dir = scratchDir('lint');
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  for (const f of ['tsconfig.json', '.dependency-cruiser.cjs', 'package.json']) cpSync(join(ROOT, f), join(dir, f));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  appendFileSync(join(dir, file), `\n${plant}\n`);
  try {
    const { stdout } = await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'),
        'src',
        '--config',
        '.dependency-cruiser.cjs',
      ],
      { cwd: dir },
    );
    return { ok: true, out: stdout };
  } catch (err) {
    return { ok: false, out: (err as { stdout?: string }).stdout ?? String(err) };
  }
}

function sources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('the layering lint', () => {
  it('passes on the tree as it is', async () => {
    const r = await lintWith('src/kinds.ts', '// nothing planted');
    assert.ok(r.ok, r.out);
  });

  it('fails an upward import, a pure module touching the database, and a module importing config.ts', async () => {
    const cases: Array<[file: string, plant: string, rule: RegExp]> = [
      [
        'src/overlay/cache.ts',
        "import { Dispatcher } from '../notification/dispatch/loop.js';\nexport const planted = Dispatcher;",
        /layer-1-imports-nothing-above-it: src\/overlay\/cache\.ts → src\/notification\/dispatch\/loop\.ts/,
      ],
      [
        'src/notification/limits/policy.ts',
        "import pg from 'pg';\nexport const planted = pg;",
        /pure-policy-touches-no-io: src\/notification\/limits\/policy\.ts → \S*node_modules\/pg\//,
      ],
      [
        'src/notification/dispatch/pass.ts',
        "import type { ResolvedConfig } from '../../config.js';\nexport type Planted = ResolvedConfig;",
        /only-the-roots-import-config: src\/notification\/dispatch\/pass\.ts → src\/config\.ts/,
      ],
    ];
    for (const [file, plant, rule] of cases) {
      const r = await lintWith(file, plant);
      assert.equal(r.ok, false, `planted in ${file}, lint still passed`);
      assert.match(r.out, rule);
    }
  });

  it('names as pure exactly the modules whose comment says they are', () => {
    const rule = config.forbidden.find((r) => r.name === 'pure-policy-touches-no-io');
    const pure = new RegExp(rule?.from.path ?? '^$');
    for (const file of sources()) {
      const path = relative(ROOT, file);
      const header = /^\/\*\*[\s\S]*?\*\//.exec(readFileSync(file, 'utf8'))?.[0] ?? '';
      assert.equal(
        pure.test(path),
        /\bPure[.:]/.test(header),
        `${path}: the pure list and its module comment disagree`,
      );
    }
  });
});
