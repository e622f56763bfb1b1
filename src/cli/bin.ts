/**
 * @module cli/bin
 * The executable entry: runs the CLI on this process's arguments and sets the exit code.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
