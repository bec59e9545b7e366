#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a checkout and `npx zooforge`.
import { register } from 'tsx/esm/api';

register();
const { cli } = await import('../pipeline/cli.ts');
await cli(process.argv.slice(2));
