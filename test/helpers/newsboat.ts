/** newsboat, a real feed reader (Debian's package), reloading feeds into its cache: what a reader sees. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { scratchDir } from './scratch.js';

const run = promisify(execFile);

/** newsboatTitles reloads `url` with newsboat and returns the titles it stored, read from its cache with sqlite3. */
export async function newsboatTitles(url: string, name: string): Promise<string[]> {
  const dir = scratchDir(name);
  writeFileSync(join(dir, 'urls'), `${url}\n`);
  writeFileSync(join(dir, 'config'), '');
  await run(
    'newsboat',
    ['-u', join(dir, 'urls'), '-c', join(dir, 'cache.db'), '-C', join(dir, 'config'), '-x', 'reload'],
    {
      timeout: 60_000,
    },
  );
  const { stdout } = await run('/usr/bin/python3', [
    '-c',
    'import sqlite3,sys,json; print(json.dumps([r[0] for r in sqlite3.connect(sys.argv[1]).execute("select title from rss_item")]))',
    join(dir, 'cache.db'),
  ]);
  return JSON.parse(stdout) as string[];
}
