// Assert on a lakewatch JSON report: node expect.mjs REPORT 'dataset=STATUS[~text]' ...
// "~text" must appear in one of the dataset's check messages (or its error).
import fs from 'node:fs';
const [file, ...wants] = process.argv.slice(2);
const rep = JSON.parse(fs.readFileSync(file, 'utf8'));
let bad = 0;
for (const w of wants) {
  const m = w.match(/^([^=]+)=([A-Z]+)(?:~(.*))?$/);
  const d = rep.datasets.find((x) => x.name === m[1]);
  if (!d) { console.log(`  no dataset ${m[1]} in the report`); bad++; continue; }
  const texts = [d.observation?.error || '', ...d.checks.map((c) => `${c.check}: ${c.message}`)].join(' | ');
  if (d.status !== m[2]) { console.log(`  ${m[1]}: status ${d.status}, expected ${m[2]} (${texts})`); bad++; }
  if (m[3] && !texts.includes(m[3])) { console.log(`  ${m[1]}: no "${m[3]}" in: ${texts}`); bad++; }
}
process.exit(bad ? 1 : 0);
