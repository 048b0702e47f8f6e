/**
 * How a process that runs workers is started: Node flags and allocator variables, in one place for
 * every way the project starts one — `npm start` (package.json), the production image (Dockerfile,
 * docker-compose.yml) and bench:etl, which measures them. test/unit/deploy keeps those in step.
 *
 * - MALLOC_ARENA_MAX=2: glibc gives each thread that allocates its own arena (up to 8 per core);
 *   Temporal's native threads, libuv's pool and zlib each hold freed memory in theirs. Two arenas
 *   keep the worker's RSS flat with no measurable throughput cost (bench:etl).
 * - --max-semi-space-size=1 and --heap-growing-percent=30: the worker's live heap is about 50 MB
 *   (mostly the loaded code and its source text); a transfer allocates promises and stream objects
 *   per chunk, which V8 left to pile up in the old generation until it held twice the live heap
 *   before marking it (peak RSS 275 MB with 200 × 10 MB files). A 1 MB young generation and a
 *   collection once the old one has grown 30 % past what survived keep it near 70 MB: peak RSS
 *   210 MB, the worker's CPU per MB unchanged within run-to-run noise (bench:etl,
 *   docs/configuration.md). --optimize-for-size got lower (196 MB) but cost ~30 % more CPU.
 */
export const WORKER_ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--heap-growing-percent=30'];
