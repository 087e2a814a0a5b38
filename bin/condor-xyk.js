#!/usr/bin/env node
// The package's command: runs src/main.ts in this very process, with tsx's loader registered (no
// build step). No child process: SIGTERM and SIGINT reach the bot itself, which stops cleanly.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
