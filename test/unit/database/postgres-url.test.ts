import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIntoClientConfig } from 'pg-connection-string';
import { parsePostgresUrl, PostgresUrlError } from '../../../src/database/postgres-url.js';

const hosts = (url: string): string[] => parsePostgresUrl(url).hosts.map((h) => `${h.host}|${h.port}`);

// The URIs of libpq's documentation (§ 34.1.1.2, Connection URIs, and § 34.1.1.3, multiple hosts).
describe('a PostgreSQL URL, read as libpq reads it', () => {
  it("libpq's own examples", () => {
    assert.deepEqual(hosts('postgresql://'), ['localhost|5432']);
    assert.deepEqual(hosts('postgresql://localhost'), ['localhost|5432']);
    assert.deepEqual(hosts('postgresql://localhost:5433'), ['localhost|5433']);
    assert.deepEqual(hosts('postgresql://localhost/mydb'), ['localhost|5432']);
    assert.deepEqual(hosts('postgresql://user@localhost'), ['localhost|5432']);
    assert.deepEqual(hosts('postgresql://user:secret@localhost'), ['localhost|5432']);
    assert.deepEqual(hosts('postgresql://other@localhost/otherdb?connect_timeout=10&application_name=myapp'), [
      'localhost|5432',
    ]);
    assert.deepEqual(hosts('postgresql://host1:123,host2:456/somedb?target_session_attrs=any&application_name=myapp'), [
      'host1|123',
      'host2|456',
    ]);
    assert.deepEqual(hosts('postgresql://[2001:db8::1234]/database'), ['2001:db8::1234|5432']);
    assert.deepEqual(hosts('postgresql:///dbname?host=/var/lib/postgresql'), ['/var/lib/postgresql|5432']);
    assert.deepEqual(hosts('postgresql://%2Fvar%2Flib%2Fpostgresql/dbname'), ['/var/lib/postgresql|5432']);
    assert.deepEqual(hosts('postgresql:///mydb?host=localhost&port=5433'), ['localhost|5433']);
  });

  it('a formation’s URI: a host list, each with its port, IPv6 in brackets, one port for all', () => {
    const t = parsePostgresUrl(
      'postgres://sat:pw@127.0.0.1:6001,[::1]:6002,db3/sat?target_session_attrs=read-write&sslmode=prefer',
    );
    assert.deepEqual(
      t.hosts.map((h) => [h.host, h.port]),
      [
        ['127.0.0.1', 6001],
        ['::1', 6002],
        ['db3', 5432],
      ],
    );
    assert.equal(t.targetSessionAttrs, 'read-write');
    assert.equal(t.sslmode, 'prefer');
    assert.deepEqual(hosts('postgresql:///db?host=a,b,c&port=7000'), ['a|7000', 'b|7000', 'c|7000']);
    assert.deepEqual(hosts('postgresql:///db?host=a,b&port=7000,7001'), ['a|7000', 'b|7001']);
    assert.deepEqual(hosts('postgresql://h1:5433,h2/db?port=6000'), ['h1|6000', 'h2|6000'], '?port= wins, as in libpq');
    assert.deepEqual(hosts('postgresql://h1:,[::1]:/db'), ['h1|5432', '::1|5432'], 'an empty port is the default');
  });

  it('each host gets a URL node-postgres reads with libpq’s sslmode, and nothing satnotify reads itself', () => {
    const t = parsePostgresUrl(
      'postgres://sat:p%40ss@h1:6001,[::1]:6002/sat?target_session_attrs=primary&connect_timeout=3&sslmode=require&application_name=x',
    );
    const [first, second] = t.hosts;
    assert.ok(first && second);
    const c = parseIntoClientConfig(t.urlFor(second));
    assert.equal(c.host, '::1');
    assert.equal(c.port, 6002);
    assert.equal(c.user, 'sat');
    assert.equal(c.password, 'p@ss');
    assert.equal(c.database, 'sat');
    assert.equal(c.application_name, 'x');
    // libpq's require: encrypted, certificate not verified (node-postgres alone would verify it).
    assert.deepEqual({ ...(c.ssl as object) }, { rejectUnauthorized: false });
    assert.ok(!/target_session_attrs|connect_timeout/.test(t.urlFor(first)));
    assert.equal(t.connectTimeoutMs, 3000);
    assert.equal(parsePostgresUrl('postgres://h/db?connect_timeout=1').connectTimeoutMs, 2000, 'libpq: at least 2 s');
    assert.equal(parsePostgresUrl('postgres://h/db?connect_timeout=0').connectTimeoutMs, 0);
    assert.equal(
      parseIntoClientConfig(parsePostgresUrl('postgres://h/db').urlFor({ host: 'h', port: 1 })).ssl,
      undefined,
    );
  });

  it('refuses what satnotify cannot use, saying why and never quoting the URL', () => {
    const refused: Array<[string, RegExp]> = [
      ['mysql://h/db', /postgres:\/\/ or postgresql:\/\//],
      ['postgres://u:hunter2@h1,h2/db?target_session_attrs=standby', /standby, where satnotify cannot write/],
      ['postgres://u:hunter2@h1,h2/db?target_session_attrs=read-only', /read-write or primary/],
      ['postgres://u:hunter2@h1,h2/db?target_session_attrs=master', /must be one of any, read-write, primary/],
      ['postgres://u:hunter2@h1:99999/db', /port must be a number from 1 to 65535/],
      ['postgres://u:hunter2@[::1/db', /closing \]/],
      ['postgres://u:hunter2@h1/db?connect_timeout=soon', /connect_timeout/],
      ['postgres://u:hunter2@h1/db?sslmode=maybe', /sslmode must be one of/],
      ['postgres://u:hunter2@/db?host=a,b,c&port=1,2', /2 ports for 3 hosts/],
    ];
    for (const [url, why] of refused) {
      assert.throws(
        () => parsePostgresUrl(url),
        (err: unknown) => err instanceof PostgresUrlError && why.test(err.message) && !err.message.includes('hunter2'),
        url,
      );
    }
  });
});
