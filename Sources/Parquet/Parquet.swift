// The Parquet module.
