// demo/delta.mjs - a Delta Lake transaction log written by hand, as
// Databricks leaves it, for the demo lake's Delta tables.
//
// Follows PROTOCOL.md of delta-io: _delta_log/NNNNNNNNNNNNNNNNNNNN.json
// commits of newline-delimited actions (commitInfo first, then protocol
// and metaData at version 0, then add/remove), a `.crc` checksum file per
// version as Databricks writes, classic single-file Parquet checkpoints
// written by DuckDB with the checkpoint schema, and `_last_checkpoint`.
// Data files are Parquet written by DuckDB; this module only logs them.
import fs from 'node:fs';
import path from 'node:path';

const v20 = (v) => String(v).padStart(20, '0');

// Delta's schemaString from [[name, type, nullable]] with Spark type names.
export function schemaString(fields) {
	return JSON.stringify({ type: 'struct', fields: fields.map(
		([name, type, nullable = true]) => ({ name, type, nullable,
			metadata: {} })) });
}

// The checkpoint schema (PROTOCOL.md, "Checkpoint Schema"), as DuckDB
// types; each row holds one action, the other columns null.
const MAPSS = 'MAP(VARCHAR, VARCHAR)';
const CP_COLUMNS = {
	txn: 'STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)',
	add: `STRUCT(path VARCHAR, partitionValues ${MAPSS}, size BIGINT, ` +
		'modificationTime BIGINT, dataChange BOOLEAN, stats VARCHAR, ' +
		`tags ${MAPSS})`,
	remove: 'STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange ' +
		`BOOLEAN, extendedFileMetadata BOOLEAN, partitionValues ${MAPSS}, ` +
		'size BIGINT)',
	metaData: 'STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, ' +
		`format STRUCT(provider VARCHAR, options ${MAPSS}), schemaString ` +
		`VARCHAR, partitionColumns VARCHAR[], configuration ${MAPSS}, ` +
		'createdTime BIGINT)',
	protocol: 'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)',
};

export class DeltaTable {
	// dir: the table's root; meta: {id, name, fields, partitionColumns,
	// createdTime}; setTime(file, ms) sets a file's mtime.
	constructor(dir, meta, setTime) {
		this.dir = dir;
		this.log = path.join(dir, '_delta_log');
		this.setTime = setTime;
		this.version = -1;
		this.live = new Map();		// path -> add action
		this.tombstones = new Map();	// path -> remove action
		this.protocol = { minReaderVersion: 1, minWriterVersion: 2 };
		this.metaData = {
			id: meta.id, name: meta.name || null, description: null,
			format: { provider: 'parquet', options: {} },
			schemaString: schemaString(meta.fields),
			partitionColumns: meta.partitionColumns || [],
			configuration: { 'delta.checkpointInterval': '10' },
			createdTime: meta.createdTime,
		};
		this.commits = [];	// [{version, ts, operation}]
		fs.mkdirSync(this.log, { recursive: true });
	}

	// One commit. adds: [{path, size, rows, partitionValues, mtime}];
	// removes: [path]. The commit file's mtime is ts. Returns its version.
	commit({ ts, operation, parameters = {}, metrics = {}, adds = [],
		removes = [], isBlindAppend = false }) {
		const v = ++this.version;
		const lines = [];
		lines.push({ commitInfo: {
			timestamp: ts, userId: '4417183958912384',
			userName: 'etl@contoso.com', operation,
			operationParameters: Object.fromEntries(Object.entries(
				parameters).map(([k, x]) => [k, typeof x === 'string'
					? x : JSON.stringify(x)])),
			notebook: { notebookId: '1207794483941337' },
			clusterId: '1120-093012-demo42', readVersion: v ? v - 1 : undefined,
			isolationLevel: 'WriteSerializable', isBlindAppend,
			operationMetrics: Object.fromEntries(Object.entries(metrics)
				.map(([k, x]) => [k, String(x)])),
			engineInfo: 'Databricks-Runtime/15.4.x-scala2.12',
			txnId: `demo-txn-${this.metaData.id.slice(0, 8)}-${v}`,
		} });
		if (v === 0) {
			lines.push({ protocol: this.protocol });
			lines.push({ metaData: this.metaData });
		}
		for (const p of removes) {
			const a = this.live.get(p);
			if (!a)
				throw new Error(`delta: remove of ${p}: not live`);
			const r = { path: p, deletionTimestamp: ts, dataChange: true,
				extendedFileMetadata: true,
				partitionValues: a.partitionValues, size: a.size };
			this.live.delete(p);
			this.tombstones.set(p, r);
			lines.push({ remove: r });
		}
		for (const f of adds) {
			const a = { path: f.path, partitionValues: f.partitionValues || {},
				size: f.size, modificationTime: f.mtime ?? ts,
				dataChange: operation !== 'OPTIMIZE',
				stats: JSON.stringify({ numRecords: f.rows,
					minValues: {}, maxValues: {}, nullCount: {} }) };
			this.live.set(f.path, a);
			lines.push({ add: a });
		}
		const file = path.join(this.log, `${v20(v)}.json`);
		fs.writeFileSync(file, lines.map((l) => JSON.stringify(l))
			.join('\n') + '\n');
		this.setTime(file, ts);
		this.writeCrc(v, ts);
		this.commits.push({ version: v, ts, operation });
		return v;
	}

	// Databricks' per-version checksum (lakewatch must ignore it).
	writeCrc(v, ts) {
		let bytes = 0;
		for (const a of this.live.values())
			bytes += a.size;
		const file = path.join(this.log, `${v20(v)}.crc`);
		fs.writeFileSync(file, JSON.stringify({
			txnId: `demo-txn-${this.metaData.id.slice(0, 8)}-${v}`,
			tableSizeBytes: bytes, numFiles: this.live.size,
			numMetadata: 1, numProtocol: 1, metadata: this.metaData,
			protocol: this.protocol }) + '\n');
		this.setTime(file, ts + 300);
	}

	// A classic checkpoint of the current version, written by DuckDB
	// through a JSON Lines file of the actions read with the checkpoint's
	// column types; then _last_checkpoint. The files' mtime is ts.
	async checkpoint(con, ts) {
		const v = this.version;
		const rows = [{ protocol: this.protocol },
			{ metaData: this.metaData },
			...[...this.live.values()].map((a) => ({ add: a })),
			...[...this.tombstones.values()].map((r) => ({ remove: r }))];
		const tmp = path.join(this.log, `.cp-${v}.tmp.json`);
		fs.writeFileSync(tmp, rows.map((r) => JSON.stringify(r))
			.join('\n') + '\n');
		const cols = Object.entries(CP_COLUMNS).map(([k, t]) =>
			`'${k}': '${t}'`).join(', ');
		const file = path.join(this.log, `${v20(v)}.checkpoint.parquet`);
		const q = (s) => `'${s.replaceAll("'", "''")}'`;
		await con.run(`COPY (SELECT ${Object.keys(CP_COLUMNS).map((k) =>
			`"${k}"`).join(', ')} FROM read_json(${q(tmp)},
			format = 'newline_delimited', columns = {${cols}}))
			TO ${q(file)} (FORMAT parquet, COMPRESSION snappy)`);
		fs.rmSync(tmp);
		this.setTime(file, ts);
		const size = rows.length;
		const last = path.join(this.log, '_last_checkpoint');
		fs.writeFileSync(last, JSON.stringify({ version: v, size,
			sizeInBytes: fs.statSync(file).size,
			numOfAddFiles: this.live.size }) + '\n');
		this.setTime(last, ts + 500);
		this.checkpointVersion = v;
		this.checkpointTs = ts;
	}

	// Live rows, as the log's stats say.
	liveRows() {
		let n = 0;
		for (const a of this.live.values())
			n += JSON.parse(a.stats).numRecords;
		return n;
	}
}
