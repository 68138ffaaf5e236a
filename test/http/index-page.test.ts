import { newProfile } from '../../src/profiles';
import { servePprof, type PprofServer } from '../../src/http';

// Names newProfile accepts that are not plain URL paths: a scheme-like prefix, query and fragment
// delimiters, a percent sign, a space, quotes.
const oddNames = ['javascript:alert(document.domain)//', 'otelprof.test/cache hits?#1', 'otelprof.test/50%', `otelprof.test/"q'`];
for (const name of oddNames) newProfile(name);

let server: PprofServer;
beforeAll(async () => {
  server = await servePprof({ port: 0 });
});
afterAll(async () => {
  await server.close();
});

const unescapeHtml = (s: string): string =>
  s.replace(/&(amp|lt|gt|#34|#39);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', '#34': '"', '#39': "'" })[e] as string);

/** The index rows as the browser reads them: link target (attribute value) and link text. */
async function indexLinks(): Promise<Map<string, string>> {
  const html = await (await fetch(server.url)).text();
  const links = new Map<string, string>();
  for (const m of html.matchAll(/<tr><td>\d+<\/td><td><a href='([^']*)'>([^<]*)<\/a><\/td><\/tr>/g)) {
    links.set(unescapeHtml(m[2]), unescapeHtml(m[1]));
  }
  return links;
}

describe('index page links (Go links to url.URL{Path: name, RawQuery: "debug=1"})', () => {
  test.each(oddNames)('the link of %j opens that profile as debug=1 text', async (name) => {
    const href = (await indexLinks()).get(name);
    expect(href).toBeDefined();
    const target = new URL(href!, server.url);
    // A name like `javascript:...` must stay a relative path, never become a script link.
    expect(target.origin).toBe(new URL(server.url).origin);
    const res = await fetch(target);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/ profile: total 0\n/);
  });
});
