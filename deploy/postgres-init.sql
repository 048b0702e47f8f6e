-- The application's own role and database, beside Temporal's.
CREATE ROLE app LOGIN PASSWORD 'app';
CREATE DATABASE pipelines OWNER app;
