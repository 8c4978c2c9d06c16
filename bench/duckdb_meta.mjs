// bench/duckdb_meta.mjs - time DuckDB reading the footer of every Parquet
// file under a directory with parquet_file_metadata(), the same work
// lakewatch's Parquet probe does (rows and row groups from the footer).
//
//   node bench/duckdb_meta.mjs DIR [THREADS]
//
// Prints one JSON line: {"files": N, "rows": R, "seconds": S}.
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
if (!dir) {
	console.error('usage: node bench/duckdb_meta.mjs DIR [THREADS]');
	process.exit(2);
}
const inst = await DuckDBInstance.create(':memory:',
	process.argv[3] ? { threads: process.argv[3] } : {});
const con = await inst.connect();
const glob = `${dir.replaceAll("'", "''")}/**/*.parquet`;
const t0 = process.hrtime.bigint();
const r = await con.runAndReadAll(`SELECT count(*), sum(num_rows)
	FROM parquet_file_metadata('${glob}')`);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const [files, rows] = r.getRows()[0];
console.log(JSON.stringify({ files: Number(files), rows: Number(rows),
	seconds: Number(secs.toFixed(3)) }));
