import client from 'prom-client';
import { z } from 'zod';
import { effectiveCap, INITIAL_CAP, LIMIT_CLASSES, type GateName } from '../../domain/shared/vendor-limits';
import { readVendorLimits, type VendorLimitsRow } from '../../infra/vendor-gate/gates';
import type { SttSettings } from '../../pipelines/stt/settings';
import type { ApiDeps } from '../shared/deps';
import { defineRoute, type RouteSpec } from '../shared/route';

/**
 * What every worker currently believes about the vendor account, as they share it in PostgreSQL:
 * jobs in flight against the learned cap, the two gates, the last 429. The same figures go to /metrics.
 */

const Gate = z
  .object({
    open: z.boolean().describe('true when requests of this kind may be sent now'),
    retryAt: z.string().nullable().describe('While closed: when the gate reopens (ISO 8601 UTC); null when open'),
    reason: z.string().nullable().describe('While closed: why, e.g. rate_limited_A0003 or quota_exceeded; null when open'),
  })
  .describe('A pause every worker respects');

export const VendorState = z.object({
  vendor: z.string().describe('The provider name that keys the shared state, e.g. rtzr'),
  inFlight: z.number().int().describe('Jobs holding one of the account’s concurrent-job slots now (being submitted or running at the vendor), count'),
  cap: z
    .object({
      learned: z.number().int().describe('Vendor jobs allowed at once, as learned from A0002 refusals (equals configured until one), count'),
      configured: z.number().int().describe('STT_MAX_IN_FLIGHT: the learned cap never exceeds it, count'),
    })
    .describe('The adaptive cap on concurrent vendor jobs'),
  gates: z
    .object({
      submit: Gate.describe('Closed by a concurrency (A0002) or quota (A0001) 429: no new submits; polls of running jobs go on'),
      all: Gate.describe('Closed by a rate-limit (A0003) or unclassified 429: no vendor request at all until Retry-After'),
    })
    .describe('The gates, one per limit class'),
  last429: z
    .object({
      at: z.string().describe('When the vendor answered it (ISO 8601 UTC)'),
      code: z.string().describe('The vendor’s code, e.g. A0002'),
      class: z.enum(LIMIT_CLASSES as [string, ...string[]]).describe('The limit it names: concurrency, quota, rate or unknown'),
    })
    .nullable()
    .describe('The most recent 429 from the vendor; null when there was none'),
  submitsInDoubt: z
    .number()
    .int()
    .describe('Submits sent whose answer never came back, across every job (count): the vendor may have run (and billed) that audio twice'),
});
export type VendorState = z.infer<typeof VendorState>;

function toView(vendor: string, configured: number, row: VendorLimitsRow): VendorState {
  const gate = (name: GateName) => {
    const g = row.gates[name];
    return { open: g.open, retryAt: g.open ? null : g.until.toISOString(), reason: g.open ? null : g.reason };
  };
  return {
    vendor,
    inFlight: row.inFlight,
    cap: { learned: effectiveCap({ ...INITIAL_CAP, learned: row.learnedCap }, configured), configured },
    gates: { submit: gate('submit'), all: gate('all') },
    last429: row.last429 && { at: row.last429.at.toISOString(), code: row.last429.code, class: row.last429.class },
    submitsInDoubt: row.submitsInDoubt,
  };
}

export function vendorRoutes(deps: ApiDeps, settings: SttSettings): RouteSpec[] {
  const vendor = settings.provider.name;
  const read = async () => readVendorLimits(deps.pool, vendor);
  registerVendorMetrics(deps.metrics.registry, vendor, settings.maxInFlight, read);
  return [
    defineRoute({
      method: 'get',
      path: '/api/stt/vendor',
      summary: 'The vendor account as the workers see it: jobs in flight, learned cap, gates, last 429, submits in doubt',
      tag: 'stt',
      responses: { 200: { description: 'The shared vendor state', schema: VendorState } },
      async handler({ res }) {
        res.json(toView(vendor, settings.maxInFlight, await read()));
      },
    }),
  ];
}

/**
 * Gauges and a counter read from the shared state at scrape time, so any API process shows what
 * all workers did. One read per scrape serves every metric.
 */
function registerVendorMetrics(registry: client.Registry, vendor: string, configured: number, read: () => Promise<VendorLimitsRow>): void {
  if (registry.getSingleMetric('dp_stt_vendor_cap_learned')) return;
  let scrape: { at: number; row: Promise<VendorLimitsRow> } | undefined;
  const current = () => {
    if (!scrape || Date.now() - scrape.at > 500) scrape = { at: Date.now(), row: read() };
    return scrape.row;
  };
  const gauge = (name: string, help: string, value: (row: VendorLimitsRow) => number) =>
    new client.Gauge({
      name,
      help,
      labelNames: ['vendor'],
      registers: [registry],
      async collect() {
        this.set({ vendor }, value(await current()));
      },
    });
  gauge('dp_stt_vendor_cap_learned', 'Vendor jobs allowed at once, as learned from A0002 refusals (count)', (row) => Math.min(row.learnedCap ?? configured, configured));
  gauge('dp_stt_vendor_cap_configured', 'STT_MAX_IN_FLIGHT: the ceiling of the learned cap (count)', () => configured);
  gauge('dp_stt_vendor_in_flight', 'Jobs holding a vendor concurrent-job slot now (count)', (row) => row.inFlight);
  new client.Gauge({
    name: 'dp_stt_vendor_gate_open',
    help: '1 while the gate is open, 0 while closed; gate=submit (A0002/A0001) or all (A0003/unknown)',
    labelNames: ['vendor', 'gate'],
    registers: [registry],
    async collect() {
      const row = await current();
      for (const gate of ['submit', 'all'] as const) this.set({ vendor, gate }, row.gates[gate].open ? 1 : 0);
    },
  });
  new client.Counter({
    name: 'dp_stt_vendor_429_total',
    help: '429 answers from the vendor by limit class (concurrency, quota, rate, unknown), across all workers',
    labelNames: ['vendor', 'class'],
    registers: [registry],
    async collect() {
      const row = await current();
      this.reset();
      for (const limit of LIMIT_CLASSES) this.inc({ vendor, class: limit }, row.responses429[limit] ?? 0);
    },
  });
  new client.Counter({
    name: 'dp_stt_vendor_submits_in_doubt_total',
    help: 'Submits sent whose answer never came back (a worker killed, a connection broken, a 5xx), submitted again: the vendor may have run that audio twice',
    labelNames: ['vendor'],
    registers: [registry],
    async collect() {
      const row = await current();
      this.reset();
      this.inc({ vendor }, row.submitsInDoubt);
    },
  });
}
