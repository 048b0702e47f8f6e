/**
 * How a process that runs workers is started: Node flags and allocator variables, in one place for
 * every way the project starts one — `npm start` (package.json), the production image (Dockerfile,
 * docker-compose.yml) and bench:etl, which measures them. test/unit/deploy keeps those in step.
 *
 * - MALLOC_ARENA_MAX=2: glibc gives each thread that allocates its own arena (up to 8 per core);
 *   Temporal's native threads, libuv's pool and zlib each hold freed memory in theirs. Two arenas
 *   keep the worker's RSS flat with no measurable throughput cost (bench:etl).
 * - --max-semi-space-size: transfers allocate many short-lived buffers; a small young generation is
 *   collected sooner, so fewer of them are resident at once.
 */
export const WORKER_ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
