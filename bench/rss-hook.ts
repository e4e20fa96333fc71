/**
 * Peak memory for the benchmark where GNU time is missing: preloaded into every Node process of
 * a measured command (NODE_OPTIONS=--require), it appends the process's peak RSS (KB) to
 * BENCH_RSS_FILE on exit.
 */
import { appendFileSync } from 'fs';

const file = process.env.BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
