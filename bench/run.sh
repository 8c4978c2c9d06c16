#!/bin/sh
# Run the benchmarks (not tests): bench/run.sh [parquet|delta|azure|tui|anomaly|scrape|soak|cache|listing ...]
# Each prints its figures; README.md "Speed" holds the last ones measured.
set -u
cd "$(dirname "$0")/.."
which=${*:-parquet delta azure tui}
status=0
for b in $which; do
	echo "=== bench: $b"
	case $b in
	parquet) sh bench/parquet_files.sh || status=1 ;;
	delta) sh bench/delta.sh || status=1 ;;
	azure) sh bench/azure.sh || status=1 ;;
	tui) make -s build/bench/tui_frame && build/bench/tui_frame || status=1 ;;
	anomaly) make -s build/bench/anomaly && build/bench/anomaly || status=1 ;;
	scrape) make -s build/bench/scrape && build/bench/scrape || status=1 ;;
	soak) bash bench/soak.sh || status=1 ;;
	cache) sh bench/cache.sh && sh bench/cache_azure.sh || status=1 ;;
	listing) sh bench/delta_azure.sh && sh bench/azure_parts.sh || status=1 ;;
	*) echo "unknown benchmark $b (parquet, delta, azure, tui, anomaly, scrape, soak, cache, listing)"; status=2 ;;
	esac
done
exit $status
