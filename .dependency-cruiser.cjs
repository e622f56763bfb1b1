// The layering of ARCHITECTURE.md's "may touch" table, checked by `npm run lint` (dependency-cruiser).
/** @type {import('dependency-cruiser').IConfiguration} */
const PURE = '^src/(backoff|notification/(limits/(policy|windows)|hooks/(events|transitions)|digest/(select|words)|content/wording)|channels/irc/lines|preferences/policy)[.]ts$';
const ORCHESTRATION = '^src/notification/(service|dispatch/(pass|loop)|content/(content|record|present))[.]ts$';
const IO_LIBS = 'node_modules/(pg|pg-pool|@electric-sql/pglite|nodemailer|@grpc/grpc-js|grpc-health-check|smtp-server|irc-framework|mqtt)/';
const IO_BUILTINS = '^(fs|fs/promises|net|http|https|child_process|dgram|tls)$';
const IMPLEMENTATIONS = '^src/(notification/(outbox/pg-outbox|hooks/pg-node-state|limits/(pg-store|memory-store))|preferences/pg-store|channels/(?!plugin[.]ts$)|overlay/pg-overlay|mailservice/(smtp-sender|file-sender)|database/connect)';
const PLUGINS = '^src/channels/(email|nodelog|webhook|irc|mqtt)/';
const OPTIONAL = { 'irc-framework': 'irc', mqtt: 'mqtt' };

module.exports = {
  forbidden: [
    {
      name: 'pure-policy-touches-no-io',
      comment: 'Limits, windows, transitions, digests, backoff, formatting and IRC line splitting are pure: no database, mail, network or file system.',
      severity: 'error',
      from: { path: PURE },
      to: { path: [IO_LIBS, IO_BUILTINS, '^src/(database|mailservice|overlay/(pg-overlay|cache))'] },
    },
    {
      name: 'orchestration-uses-interfaces',
      comment: 'The service, the dispatch pass and loop, and content hold no SQL, SMTP, gRPC or plugin code; create.ts wires the implementations.',
      severity: 'error',
      from: { path: ORCHESTRATION },
      to: { path: [IO_LIBS, IO_BUILTINS, IMPLEMENTATIONS], pathNot: '^src/channels/nodelog/schema[.]ts$', dependencyTypesNot: ['type-only'] },
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
      from: { pathNot: '^src/(database/|notification/(outbox/pg-outbox|limits/pg-store|hooks/pg-node-state)[.]ts$|preferences/pg-store[.]ts$|overlay/pg-overlay[.]ts$|index[.]ts$)' },
      to: { path: 'node_modules/(pg|pg-pool|@electric-sql/pglite)/' },
    },
    {
      name: 'only-edges-import-nodemailer',
      severity: 'error',
      from: { pathNot: '^src/mailservice/(smtp-sender|file-sender|nodemailer-message|delivery-error|create-sender)[.]ts$' },
      to: { path: 'node_modules/nodemailer/' },
    },
    {
      name: 'only-edges-import-grpc',
      severity: 'error',
      from: { pathNot: '^src/(channels/nodelog/|node/)' },
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
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
  },
};
