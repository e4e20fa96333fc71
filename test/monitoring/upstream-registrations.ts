/**
 * VirtRigaud v0.3.11's metric registrations, read from its own file
 * `vendor/virtrigaud-v0.3.11/internal/obs/metrics/metrics.go` (upstream's file at tag v0.3.11,
 * Apache-2.0, LICENSE beside it): every family's name, help, type, labels and buckets.
 */
import { readFileSync } from 'fs';
import { exponentialBuckets } from '../../lib/catalog/catalog';
import { packagePath } from '../../lib/paths';

export interface Registration {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}

export const UPSTREAM_METRICS_SOURCE = readFileSync(packagePath('vendor/virtrigaud-v0.3.11/internal/obs/metrics/metrics.go'), 'utf8');

/** Every `registerer.New<Kind>Vec(prometheus.<Kind>Opts{…}, []string{…})` of the Go file. */
export function registrations(go: string = UPSTREAM_METRICS_SOURCE): Registration[] {
  const types = { Counter: 'counter', Gauge: 'gauge', Histogram: 'histogram' } as const;
  const out: Registration[] = [];
  const call = /registerer\.New(Counter|Gauge|Histogram)Vec\(\s*prometheus\.\1Opts\{([\s\S]*?)\},\s*\[\]string\{([^}]*)\},?\s*\)/g;
  for (const [, kind, opts, labels] of go.matchAll(call)) {
    const name = /Name:\s*"([^"]+)"/.exec(opts)?.[1];
    if (!name) throw new Error(`a ${kind}Vec without a Name in metrics.go`);
    const help = /Help:\s*"((?:[^"\\]|\\.)*)"/.exec(opts)?.[1] ?? '';
    const exp = /Buckets:\s*prometheus\.ExponentialBuckets\(([\d.]+),\s*([\d.]+),\s*(\d+)\)/.exec(opts);
    if (/Buckets:/.test(opts) && !exp) throw new Error(`${name}: buckets this parser does not understand`);
    out.push({
      name,
      help,
      type: types[kind as keyof typeof types],
      labels: [...labels.matchAll(/"([^"]+)"/g)].map((m) => m[1]),
      ...(exp ? { buckets: exponentialBuckets(Number(exp[1]), Number(exp[2]), Number(exp[3])) } : {}),
    });
  }
  return out;
}
