-- End-to-end probes: a workflow on each task queue records that a worker ran it.
CREATE TABLE system_checks (
  check_id      text        NOT NULL,
  task_queue    text        NOT NULL,
  worker        text        NOT NULL,
  attempts      integer     NOT NULL DEFAULT 1,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  checked_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (check_id, task_queue)
);
