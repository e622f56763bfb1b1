#!/usr/bin/env node
// The published CLI runs the compiled output (`npm run build`; `npm pack` builds it first).
await import('../dist/cli/bin.js');
