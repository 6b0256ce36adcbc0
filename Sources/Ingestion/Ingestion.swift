// The Ingestion module.
