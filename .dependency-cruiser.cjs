// The layering of ARCHITECTURE.md's "may touch" table, checked by `npm run lint` (dependency-cruiser).
/** @type {import('dependency-cruiser').IConfiguration} */

// Layers, ground first: a module imports its own layer and those below, never one above. The
// composition roots (ROOTS) wire every layer together and may import any of them.
const LAYERS = [
  '^src/((kinds|errors|duration|redact|logger|backoff|config-schema)[.]ts$|input/)',
  '^src/(satellite[.]ts$|i18n/|database/|overlay/|mailservice/|links/)',
  '^src/(channels|preferences|node|destinations)/',
  '^src/notification/(?!create[.]ts$)',
  '^src/(web|api)/',
];
const ROOTS = '^src/((config|index)[.]ts$|entries/|cli/|notification/create[.]ts$)';
// The imports that still run against the grain, each with its reason (ARCHITECTURE.md lists them).
const AGAINST_THE_GRAIN = [
  // The facade hands its caller back the whole resolved configuration (`svc.config`, read by the
  // web handler and the CLI); the type is the composition root's.
  { from: '^src/notification/service[.]ts$', to: '^src/config[.]ts$' },
];

// Pure modules: decisions and wording, no I/O. Each says `Pure.` (or `Pure:`) in its module comment;
// test/unit/lint/layers.test.ts holds this list and those comments to each other.
const PURE = [
  'backoff',
  'duration',
  'channels/irc/lines',
  'preferences/policy',
  'notification/limits/(policy|windows|channel-status)',
  'notification/hooks/(events|transitions)',
  'notification/digest/(select|words)',
  'notification/dispatch/(outcome|keys)',
  'notification/content/(wording|fields)',
  'notification/outbox/(tally|sql)',
  'notification/guard/policy',
  'notification/fleet/sql',
  'notification/news/news',
  'notification/usage/signal',
  'notification/reports/(period|figures|words|network|sample)',
  'web/feed-text',
  'i18n/(format|spans|locale|fast-format)',
  'database/postgres-url',
  'destinations/words',
];
const PURE_PATH = `^src/(${PURE.join('|')})[.]ts$`;
const ORCHESTRATION =
  '^src/notification/(service|dispatch/(pass|loop|by-preference)|content/(content|record|present)|retention/retention|hooks/run|history)[.]ts$';
const IO_LIBS =
  'node_modules/(pg|pg-pool|@electric-sql/pglite|nodemailer|@grpc/grpc-js|grpc-health-check|smtp-server|irc-framework|mqtt)/';
const IO_BUILTINS = '^(fs|fs/promises|net|http|https|child_process|dgram|tls)$';
const IMPLEMENTATIONS =
  '^src/(notification/(outbox/pg-outbox|hooks/pg-node-state|limits/(pg-store|memory-store))|preferences/pg-store|channels/(?!plugin[.]ts$)|overlay/pg-overlay|mailservice/(smtp-sender|file-sender)|database/connect)';
const PLUGINS = '^src/channels/(email|nodelog|webhook|irc|mqtt)/';
const PG_EDGES =
  '^src/(database/|notification/(outbox/pg-outbox|limits/pg-store|hooks/pg-node-state|guard/pg-store|fleet/pg-store|usage/pg-store|news/pg-store|reports/pg-store)[.]ts$|preferences/pg-store[.]ts$|destinations/pg-store[.]ts$|overlay/pg-overlay[.]ts$|entries/)';
const OPTIONAL = { 'irc-framework': 'irc', mqtt: 'mqtt' };

const grain = (to) => AGAINST_THE_GRAIN.filter((e) => e.to === to).map((e) => e.from);

module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map((from, i) => ({
      name: `layer-${i}-imports-nothing-above-it`,
      comment: `A module of layer ${i} (${from}) imports only its own layer and those below; see LAYERS.`,
      severity: 'error',
      from: { path: from },
      to: { path: LAYERS.slice(i + 1) },
    })),
    {
      name: 'only-the-roots-import-config',
      comment: 'Each module declares its own section and its type; only the composition roots import src/config.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: [ROOTS, ...grain('^src/config[.]ts$')] },
      to: { path: '^src/config[.]ts$' },
    },
    {
      name: 'pure-policy-touches-no-io',
      comment:
        'Limits, windows, transitions, digests, outcomes, wording, formatting, backoff and IRC line splitting are pure: no database, mail, network or file system.',
      severity: 'error',
      from: { path: PURE_PATH },
      to: {
        path: [IO_LIBS, IO_BUILTINS, '^src/(database|mailservice|overlay/(pg-overlay|cache)|i18n/catalog)'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'orchestration-uses-interfaces',
      comment:
        'The service, the dispatch pass and loop, and content hold no SQL, SMTP, gRPC or plugin code; create.ts wires the implementations.',
      severity: 'error',
      from: { path: ORCHESTRATION },
      to: {
        path: [IO_LIBS, IO_BUILTINS, IMPLEMENTATIONS],
        pathNot: '^src/channels/nodelog/schema[.]ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'plugins-stand-apart',
      comment: 'A plugin sees the plugin seam, never the notification core or how instances are made.',
      severity: 'error',
      from: { path: PLUGINS },
      to: { path: ['^src/notification/', '^src/channels/(config|instances|registry|secrets)[.]ts$'] },
    },
    ...Object.entries(OPTIONAL).map(([pkg, plugin]) => ({
      name: `only-the-${plugin}-plugin-loads-${pkg}`,
      comment: `${pkg} is optional: only src/channels/${plugin}/ loads it, and only with import() when an instance is created, so the core never needs it.`,
      severity: 'error',
      from: {},
      to: { path: `node_modules/${pkg}/`, dependencyTypesNot: ['type-only', 'dynamic-import'] },
    })),
    ...Object.entries(OPTIONAL).map(([pkg, plugin]) => ({
      name: `${pkg}-stays-in-its-plugin`,
      severity: 'error',
      from: { pathNot: `^src/channels/${plugin}/` },
      to: { path: `node_modules/${pkg}/` },
    })),
    {
      name: 'only-edges-import-pg',
      comment: 'Only files named for the database edge import pg.',
      severity: 'error',
      from: { pathNot: PG_EDGES },
      to: { path: 'node_modules/(pg|pg-pool|@electric-sql/pglite)/' },
    },
    {
      name: 'only-edges-import-nodemailer',
      severity: 'error',
      from: {
        pathNot:
          '^src/mailservice/(smtp-sender|file-sender|nodemailer-message|delivery-error|create-sender|dkim)[.]ts$',
      },
      to: { path: 'node_modules/nodemailer/' },
    },
    {
      name: 'only-edges-import-grpc',
      severity: 'error',
      from: { pathNot: '^src/(channels/nodelog/|node/|api/)' },
      to: { path: 'node_modules/(@grpc/grpc-js|grpc-health-check)/' },
    },
    {
      name: 'node-side-stands-apart',
      comment: 'What runs on the storage node shares only the wire schema with the satellite side.',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: ['^src/notification/', '^src/channels/'], pathNot: '^src/channels/nodelog/schema[.]ts$' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
  },
};
