// The layering of ARCHITECTURE.md's "may touch" table, checked by `npm run lint` (dependency-cruiser).
/** @type {import('dependency-cruiser').IConfiguration} */
const PURE = '^src/notification/(limits/(policy|windows)|hooks/(events|transitions)|dispatch/(digest|backoff)|content/format)[.]ts$';
const ORCHESTRATION = '^src/notification/(service|dispatch/(pass|loop)|content/content)[.]ts$';
const IO_LIBS = 'node_modules/(pg|pg-pool|@electric-sql/pglite|nodemailer|@grpc/grpc-js|grpc-health-check|smtp-server)/';
const IO_BUILTINS = '^(fs|fs/promises|net|http|https|child_process|dgram|tls)$';
const IMPLEMENTATIONS = '^src/(notification/(outbox/pg-outbox|limits/(pg-store|memory-store)|channels/nodelog/grpc-client)|overlay/pg-overlay|mailservice/(smtp-sender|file-sender)|database/connect)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'pure-policy-touches-no-io',
      comment: 'Limits, windows, transitions, digests, backoff and formatting are pure: no database, mail, gRPC or file system.',
      severity: 'error',
      from: { path: PURE },
      to: { path: [IO_LIBS, IO_BUILTINS, '^src/(database|mailservice|overlay/(pg-overlay|cache))'] },
    },
    {
      name: 'orchestration-uses-interfaces',
      comment: 'The service, the dispatch pass and loop, and content hold no SQL, SMTP or gRPC; create.ts wires the implementations.',
      severity: 'error',
      from: { path: ORCHESTRATION },
      to: { path: [IO_LIBS, IO_BUILTINS, IMPLEMENTATIONS], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-edges-import-pg',
      comment: 'Only files named for the database edge import pg.',
      severity: 'error',
      from: { pathNot: '^src/(database/|notification/(outbox/pg-outbox|limits/pg-store)[.]ts$|overlay/pg-overlay[.]ts$|index[.]ts$)' },
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
      from: { pathNot: '^src/(notification/channels/nodelog/|node/)' },
      to: { path: 'node_modules/(@grpc/grpc-js|grpc-health-check)/' },
    },
    {
      name: 'node-side-stands-apart',
      comment: 'What runs on the storage node shares only the wire schema with the satellite side.',
      severity: 'error',
      from: { path: '^src/node/' },
      to: { path: '^src/notification/', pathNot: '^src/notification/(channels/nodelog/schema|content/kinds)[.]ts$' },
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
