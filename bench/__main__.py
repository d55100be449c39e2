"""`python -m bench`: run the benchmarks and write the results (see `bench.cli`)."""

from bench.cli import main

raise SystemExit(main())
