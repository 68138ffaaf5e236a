/**
 * A flame graph of the demo's profiles that outlives the demo: the pull endpoint's own page
 * (src/http/flamegraph) saved as one HTML file, with the data of every recorded type embedded
 * and its `fetch('data?profile=..')` answered from that data, so it opens from `file://`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { toFlameData, type FlameData } from '../http/flamegraph/flame-data';
import { flameGraphPage } from '../http/flamegraph/page';
import { profileOfType, type TypeFiles } from './demo-summary';

/** Writes `<dir>/<service>.flamegraph.html` and returns its file:// URL (undefined if the page cannot take the data). */
export function writeFlameGraphFile(dir: string, service: string, groups: readonly TypeFiles[]): string | undefined {
  const at = flameGraphPage.indexOf('<script>');
  if (at < 0) return undefined;
  const data: Record<string, FlameData> = {};
  for (const g of groups) data[g.type] = toFlameData(g.type, profileOfType(g));
  // `<` escaped so no string in the data can close the script element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const shim = `<script>
(function () {
  var DATA = ${json};
  window.fetch = function (q) {
    var name = new URLSearchParams(String(q).split('?')[1] || '').get('profile') || 'cpu';
    var d = DATA[name];
    return Promise.resolve(d
      ? { ok: true, json: function () { return Promise.resolve(d); } }
      : { ok: false, text: function () { return Promise.resolve('the demo recorded no ' + name + ' profile (it has: ' + Object.keys(DATA).join(', ') + ')'); } });
  };
})();
</script>
`;
  const file = join(dir, `${service}.flamegraph.html`);
  writeFileSync(file, flameGraphPage.slice(0, at) + shim + flameGraphPage.slice(at));
  return pathToFileURL(file).href;
}
