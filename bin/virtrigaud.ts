#!/usr/bin/env node
import { runCli } from '../lib/cli/cli';

process.exitCode = runCli(process.argv.slice(2));
