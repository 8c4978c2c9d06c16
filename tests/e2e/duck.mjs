// tests/e2e/duck.mjs - print the first value of one DuckDB query, so cases
// can compare lakewatch's counts with an independent reader:
//   node tests/e2e/duck.mjs "SELECT count(*) FROM '/lake/x/*/*.parquet'"
import { DuckDBInstance } from '@duckdb/node-api';

const sql = process.argv[2];
if (!sql) {
	console.error('usage: node duck.mjs SQL');
	process.exit(2);
}
try {
	const con = await (await DuckDBInstance.create(':memory:')).connect();
	const rows = (await con.runAndReadAll(sql)).getRows();
	console.log(rows.length ? String(rows[0][0]) : '');
} catch (e) {
	console.error(`duck.mjs: ${e.message}`);
	process.exit(1);
}
