"""The fictional Cwm Afon council used by `coproduce demo`, tests and benchmarks."""
