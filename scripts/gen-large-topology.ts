/**
 * Writes a generated design file for benchmarks and stress tests:
 *   npx tsx scripts/gen-large-topology.ts 5000 [out.lvs.json] [--seed N]
 * The topology comes from shared/model/generate.ts (deterministic, valid).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateLayout, generateTopology } from '../shared/model/generate.ts';
import { makeDesignFile, serializeDesignFile } from '../shared/model/file.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { seed: { type: 'string' } } });
const count = Number(positionals[0] ?? '1000');
const out = positionals[1] ?? `large-${count}.lvs.json`;
const seed = values.seed === undefined ? 1 : Number(values.seed);
if (!Number.isInteger(count) || !Number.isInteger(seed)) {
  console.error('usage: npx tsx scripts/gen-large-topology.ts HOSTS [OUT] [--seed N]');
  process.exit(2);
}
const topology = generateTopology(count, { seed });
writeFileSync(out, serializeDesignFile(makeDesignFile(topology, generateLayout(topology))));
console.log(`${out}: ${topology.hosts.length} hosts, ${topology.segments.length} segments, ${topology.services.length} services`);
