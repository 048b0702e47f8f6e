/** Every SQL statement of the video ETL, by name: the jobs (jobs.ts) and their videos (videos.ts). */
export * from './jobs';
export * from './videos';
