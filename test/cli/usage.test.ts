/**
 * The command line contract: `--help` for the CLI and each command (exit 0, on stdout), and one
 * clear message on stderr for every bad input: exit 2 for a bad command line (naming the value and
 * the rule, then a pointer to --help), exit 1 when the command could not do its job.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, ProfileBuilder } from '../../src/pprof';
import { ensureBuilt, otelprof, repoRoot, stderrLines } from './support';

let dir: string;
let profileFile: string;
let closedPort: number;

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'otelprof-cli-usage-'));
  const b = new ProfileBuilder({ sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }] });
  b.addSample([{ functionName: 'usageHot', fileName: '/app.js', line: 1, column: 1 }], [1, 10_000_000]);
  profileFile = join(dir, 'small.pb');
  writeFileSync(profileFile, encode(b.build()));
  writeFileSync(join(dir, 'empty.pb'), '');
  writeFileSync(join(dir, 'notes.txt'), 'these are not the profiles you are looking for\n');
  mkdirSync(join(dir, 'a-directory'));
  // A port nothing listens on: bound, then released.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('help', () => {
  test.each([
    [['--help'], 'Usage: otelprof <command> [options]'],
    [['-h'], 'Usage: otelprof <command> [options]'],
    [['help'], 'Usage: otelprof <command> [options]'],
    [['help', 'top'], 'Usage: otelprof top <file|url> [options]'],
    [['demo', '--help'], 'Usage: otelprof demo [options]'],
    [['top', '--help'], 'Usage: otelprof top <file|url> [options]'],
    [['top', '-h'], 'Usage: otelprof top <file|url> [options]'],
    [['run', '--help'], 'Usage: otelprof run [--] <command> [args...]'],
  ])('otelprof %j prints its usage on stdout and exits 0', async (args, first) => {
    const res = await otelprof(args);
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n')[0]).toBe(first);
    expect(res.stdout).toMatch(/Exit code|Commands:/);
    expect(res.stderr).toBe('');
  });

  test('the top-level help names every command', async () => {
    const res = await otelprof(['--help']);
    for (const command of ['demo', 'top <file|url>', 'run -- <command>']) expect(res.stdout).toContain(`  ${command} `);
  });

  test('no command at all: the usage on stderr, exit 2', async () => {
    const res = await otelprof([]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr.split('\n')[0]).toBe('Usage: otelprof <command> [options]');
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const res = await otelprof(['--version']);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`otelprof ${version}\n`);
  });
});

describe('bad command lines exit 2 with one message naming the value, then a pointer to --help', () => {
  const P = '<profile>';
  test.each([
    [['bogus'], 'otelprof: unknown command "bogus" (commands: demo, top, run)', 'otelprof'],
    [['help', 'bogus'], 'otelprof help: unknown command "bogus" (commands: demo, top, run)', 'otelprof'],
    [['top'], 'otelprof top: missing <file|url>', 'otelprof top'],
    [['top', P, P], 'otelprof top: expected one <file|url>, got 2', 'otelprof top'],
    [['top', '--frob', P], 'otelprof top: unknown option --frob', 'otelprof top'],
    [['top', '-x', P], 'otelprof top: unknown option -x', 'otelprof top'],
    [['top', '--nodecount', 'lots', P], 'otelprof top: --nodecount must be a non-negative integer (actual: "lots")', 'otelprof top'],
    [['top', '--nodecount=-3', P], 'otelprof top: --nodecount must be a non-negative integer (actual: "-3")', 'otelprof top'],
    [['top', '--nodecount', '0', P], 'otelprof top: --nodecount must be at least 1 (actual: 0)', 'otelprof top'],
    [['top', P, '--nodecount'], 'otelprof top: --nodecount needs a value', 'otelprof top'],
    [['top', '--timeout', '0', P], 'otelprof top: --timeout must be from 1 to 2147483 seconds (actual: 0)', 'otelprof top'],
    // Past a Node timer's 2^31 - 1 ms the fetch would give up at once.
    [['top', '--timeout', '2147484', P], 'otelprof top: --timeout must be from 1 to 2147483 seconds (actual: 2147484)', 'otelprof top'],
    [['top', '--timeout', '1.5', P], 'otelprof top: --timeout must be a non-negative integer (actual: "1.5")', 'otelprof top'],
    [['top', '--sample-type', 'alloc_space', P], 'otelprof top: --sample-type "alloc_space" is not in <profile> (it has: samples, cpu)', 'otelprof top'],
    [['top', 'http://[::1/debug/pprof/heap'], 'otelprof top: not a valid URL: "http://[::1/debug/pprof/heap"', 'otelprof top'],
    [['demo', 'now'], 'otelprof demo: unexpected argument "now"', 'otelprof demo'],
    [['demo', '--seconds', '1'], 'otelprof demo: --seconds must be from 2 to 600 (actual: 1)', 'otelprof demo'],
    [['demo', '--seconds', 'ten'], 'otelprof demo: --seconds must be a non-negative integer (actual: "ten")', 'otelprof demo'],
    [['demo', '--pprof-port', '70000'], 'otelprof demo: --pprof-port must be from 0 to 65535 (actual: 70000)', 'otelprof demo'],
    [['demo', '--keep=yes'], 'otelprof demo: --keep takes no value', 'otelprof demo'],
    [['run'], 'otelprof run: missing the command to run, e.g. otelprof run -- node app.js', 'otelprof run'],
    [['run', '--'], 'otelprof run: missing the command to run, e.g. otelprof run -- node app.js', 'otelprof run'],
    [['run', '--frob', 'node', 'app.js'], 'otelprof run: unknown option --frob', 'otelprof run'],
  ])('otelprof %j', async (rawArgs, rawMessage, helpOf) => {
    const args = rawArgs.map((a) => a.replace(P, profileFile));
    const res = await otelprof(args, { cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(stderrLines(res)).toEqual([rawMessage.replace(P, profileFile), `Run \`${helpOf} --help\` for usage.`]);
  });
});

describe('inputs the command cannot use exit 1 with one message naming them', () => {
  test.each([
    [['top', 'missing.pb.gz'], 'otelprof top: cannot read missing.pb.gz: no such file'],
    [['top', 'a-directory'], 'otelprof top: cannot read a-directory: is a directory'],
    [['top', 'empty.pb'], 'otelprof top: empty.pb is empty, not a pprof profile'],
    [['top', '127.0.0.1:6060/debug/pprof/heap'], 'otelprof top: cannot read 127.0.0.1:6060/debug/pprof/heap: no such file (a URL needs http://, e.g. http://127.0.0.1:6060/debug/pprof/heap)'],
    [['run', '--', 'otelprof-no-such-command-here'], 'otelprof run: cannot start otelprof-no-such-command-here: command not found'],
    [['demo', '--out', 'notes.txt/profiles'], `otelprof demo: cannot use --out "${'<dir>'}/notes.txt/profiles": ENOTDIR`],
  ])('otelprof %j', async (args, message) => {
    const res = await otelprof(args, { cwd: dir });
    expect(res.code).toBe(1);
    expect(stderrLines(res)).toEqual([message.replace('<dir>', dir)]);
  });

  test('a file that is not a profile is named, with what is wrong with it', async () => {
    const res = await otelprof(['top', 'notes.txt'], { cwd: dir });
    expect(res.code).toBe(1);
    expect(stderrLines(res)).toHaveLength(1);
    expect(res.stderr).toMatch(/^otelprof top: notes\.txt is not a pprof profile \(gzipped or raw protobuf, or Go's legacy text\): \S.*\n$/);
  });

  test('an unreachable URL is named, with the connection error', async () => {
    const url = `http://127.0.0.1:${closedPort}/debug/pprof/heap`;
    const res = await otelprof(['top', url], { cwd: dir });
    expect(res.code).toBe(1);
    expect(stderrLines(res)).toEqual([`otelprof top: cannot fetch ${url}: ECONNREFUSED`]);
  });
});
