-- A crawl cancelled (from the Temporal UI or CLI) or failed outright says so, instead of staying RUNNING.
ALTER TABLE crawl_runs DROP CONSTRAINT crawl_runs_status_check;
ALTER TABLE crawl_runs ADD CONSTRAINT crawl_runs_status_check CHECK (status IN ('RUNNING', 'COMPLETED', 'CANCELED', 'FAILED'));
