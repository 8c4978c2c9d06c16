#!/bin/sh
# make_delta_loads.sh DIR N LAST [START]: a Delta table at DIR whose log holds
# N daily appends (commitInfo with operationMetrics, add actions with
# stats, no data files: lakewatch reads only the log), the first at START
# (epoch seconds, default 2026-10-01T03:00:00Z), each of 1,000 rows give or
# take a few, the last of LAST rows. Plus a metadata-only commit in the
# middle (SET TBLPROPERTIES), which is no load.
set -e
dir=$1 n=$2 last=$3 t0=${4:-1790823600}
log="$dir/_delta_log"
mkdir -p "$log"
schema='{\"type\":\"struct\",\"fields\":[{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{}}]}'
v=0
commit() {	# commit TIME_S ROWS [FIRST]
	f=$(printf '%s/%020d.json' "$log" "$v")
	{
		printf '{"commitInfo":{"timestamp":%s000,"operation":"WRITE","operationParameters":{"mode":"Append"},"operationMetrics":{"numFiles":"1","numOutputRows":"%s","numOutputBytes":"%s"}}}\n' "$1" "$2" $(( $2 * 8 + 400 ))
		if [ -n "$3" ]; then
			printf '{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}\n'
			printf '{"metaData":{"id":"e2e-loads","format":{"provider":"parquet","options":{}},"schemaString":"%s","partitionColumns":[],"configuration":{},"createdTime":%s000}}\n' "$schema" "$1"
		fi
		printf '{"add":{"path":"part-%05d.parquet","partitionValues":{},"size":%s,"modificationTime":%s000,"dataChange":true,"stats":"{\\"numRecords\\":%s}"}}\n' "$v" $(( $2 * 8 + 400 )) "$1" "$2"
	} > "$f"
	touch -d "@$1" "$f"
	v=$((v + 1))
}
i=0
while [ $i -lt $n ]; do
	t=$((t0 + i * 86400))
	if [ $i -eq $((n - 1)) ]; then rows=$last; else rows=$((990 + (i * 7) % 21)); fi
	if [ $i -eq $((n / 2)) ]; then
		f=$(printf '%s/%020d.json' "$log" "$v")
		printf '{"commitInfo":{"timestamp":%s000,"operation":"SET TBLPROPERTIES","operationParameters":{},"operationMetrics":{}}}\n' $((t - 3600)) > "$f"
		v=$((v + 1))
	fi
	if [ $i -eq 0 ]; then commit "$t" "$rows" first; else commit "$t" "$rows"; fi
	i=$((i + 1))
done
