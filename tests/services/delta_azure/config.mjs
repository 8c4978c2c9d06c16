// config.mjs - write a lakewatch config with one dataset per table (Delta)
// or per Capture selection (Avro) on a single lake, so the same tables can
// be checked on the local filesystem and in Azurite with configs that
// differ only in their lake.
//
//   node config.mjs --delta TABLES.txt --lake LAKE-JSON --out FILE
//       one "delta" dataset per line of TABLES.txt, "GROUP<tab>PATH" (PATH
//       a table's path in the lake; an optional third column "parquet"
//       makes it a Parquet dataset); dataset i is "silver.t<i>", its
//       description "GROUP: PATH" (compare.mjs groups datasets by it)
//   node config.mjs --avro EXPECTED.json --under DIR --lake LAKE-JSON --out FILE
//       Capture datasets over the files make.mjs wrote under DIR (listed
//       in EXPECTED.json): the whole hub, each partition, each codec, the
//       empty windows, the typed file, and DIR/broken (variants.mjs)
//
// No checks are configured: what is compared is the observation (and the
// engine's own observe/readable checks).
import fs from "node:fs";

const a = process.argv.slice(2);
const opt = {};
for (let i = 0; i < a.length; i += 2) opt[a[i].replace(/^--/, "")] = a[i + 1];
if (!opt.lake || !opt.out || !(opt.delta || opt.avro)) {
	console.error("usage: config.mjs --delta LIST|--avro EXPECTED --lake JSON --out FILE");
	process.exit(2);
}

const datasets = {};
const base = { source: "golden", lake: "l", count_rows: true, checks: {} };
// a regex matching exactly these paths (relative to the dataset's path)
const exact = (paths) => "^(" + paths.map((p) =>
	p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")$";

if (opt.delta) {
	const tables = fs.readFileSync(opt.delta, "utf8").split("\n").filter(Boolean);
	tables.forEach((line, i) => {
		const [group, t, format] = line.split("\t");
		// a third column "parquet": the table's data files as a
		// Parquet dataset (names needing escapes get read, not just
		// listed)
		const extra = format === "parquet" ? { format,
			partitions: "key=value", include: "\\.parquet$" } :
			{ format: "delta" };
		datasets[`silver.t${String(i).padStart(3, "0")}`] = {
			...base, description: `${group}: ${t}`, layer: "silver",
			path: t, ...extra,
		};
	});
} else {
	const exp = JSON.parse(fs.readFileSync(opt.avro, "utf8"));
	const under = opt.under ? opt.under + "/" : "";
	const hub = "shopns/clicks";
	const cap = exp.filter((e) => e.path.startsWith(hub + "/"));
	const rel = (e) => e.path.slice(hub.length + 1);
	const av = (name, path, extra) => {
		datasets[`bronze.${name}`] = { ...base,
			description: `capture: ${name}`, layer: "bronze",
			path: under + path, format: "avro", ...extra };
	};
	av("hub", hub, { partitions: "capture" });
	for (const p of new Set(cap.map((e) => rel(e).split("/")[0])))
		av(`partition_${p}`, `${hub}/${p}`, { partitions: "capture" });
	for (const c of new Set(cap.map((e) => e.codec)))
		av(`codec_${c}`, hub, { partitions: "capture",
			include: exact(cap.filter((e) => e.codec === c).map(rel)) });
	av("empty_windows", hub, { partitions: "capture",
		include: exact(cap.filter((e) => e.empty).map(rel)) });
	av("typed", "typed", {});
	// spelt oddly: the fs kernel resolves it, the azure kind must too,
	// and still hand the probe entries under the path as spelt
	datasets["bronze.hub_odd_path"] = { ...base,
		description: "capture: hub_odd_path", layer: "bronze",
		path: `./${under}shopns//./clicks`, format: "avro",
		partitions: "capture" };
	datasets["bronze.broken"] = { ...base, description: "capture_broken: broken",
		layer: "bronze", path: under + "broken", format: "avro" };
}

const cfg = {
	name: "delta_azure",
	lakes: { l: JSON.parse(opt.lake) },
	sources: { golden: { title: "Golden tables" } },
	datasets,
};
fs.writeFileSync(opt.out, JSON.stringify(cfg, null, 1) + "\n");
