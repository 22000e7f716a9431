// Loaded with `node --import` by bench/load.ts: reports the process's peak RSS when it exits.
import fs from 'node:fs';
const out = process.env.DATAWARP_BENCH_RSS_FILE;
if (out) process.on('exit', () => fs.writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)));
