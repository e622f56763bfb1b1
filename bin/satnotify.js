#!/usr/bin/env node
// The published CLI runs the compiled output; `npm ci` builds it through the `prepare` script.
await import('../dist/cli/main.js');
