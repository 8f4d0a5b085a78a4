/**
 * Editors: the schema as yaml-language-server (VS Code's YAML extension, Neovim, Helix, JetBrains)
 * reads it, in a project that installed acrctl, over the real Language Server Protocol on stdio.
 * Completion, hover (Markdown), our own messages as diagnostics, and the `$schema` line that
 * `acrctl adopt` writes resolving in such a project.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaReference } from '../../src/cli/schema-ref.js';
import { positionOf, startYamlLanguageServer, type YamlLanguageServer } from '../support/lsp.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const INSTALLED = '# yaml-language-server: $schema=./node_modules/acrctl/schemas/registry.schema.json';

const VALID = `${INSTALLED}
version: 1
accounts:
  prod: { uid: "1234567890123456", credentials: { profile: prod } }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    namespaces:
      team-a: {}
`;

describe('yaml-language-server in a project that installed acrctl', { timeout: 60_000 }, () => {
  let project: string;
  let server: YamlLanguageServer;
  const file = (name: string, text: string): string => {
    const path = join(project, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'acrctl-editor-'));
    // What `npm install --save-dev acrctl` leaves: the package under node_modules/acrctl.
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(REPO, join(project, 'node_modules', 'acrctl'), 'dir');
    server = await startYamlLanguageServer(project);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(project, { recursive: true, force: true });
  });

  it('ships the schema in the package', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(files).toContain('schemas/registry.schema.json');
  });

  it('resolves the documented path and finds nothing wrong with a valid file', async () => {
    const f = file('valid.yaml', VALID);
    const diagnostics = await server.open(f);
    expect(diagnostics).toEqual([]);
  });

  it('shows descriptions as Markdown on hover', async () => {
    const f = file('hover.yaml', VALID);
    await server.open(f);
    const hover = await server.hover(f, positionOf(f, 'edition', 2));
    expect(hover?.contents).toMatchObject({ kind: 'markdown' });
    const value = (hover!.contents as { value: string }).value;
    expect(value).toContain('Cross-account replication needs Advanced');
    expect(value).toContain('`Advanced`');
  });

  it('completes the keys of an instance, with their documentation', async () => {
    const f = file('complete.yaml', `${VALID}    \n`);
    await server.open(f);
    const items = await server.completion(f, { line: VALID.split('\n').length - 1, character: 4 });
    const labels = items.map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(['vpcEndpoints', 'internetEndpoint', 'imports', 'replication']));
    const vpc = items.find((i) => i.label === 'vpcEndpoints');
    const doc = typeof vpc?.documentation === 'string' ? vpc.documentation : vpc?.documentation?.value;
    expect(doc).toMatch(/VPC/);
  });

  it("shows acrctl's own messages for rules expressed as alternatives, never 'Matches multiple schemas'", async () => {
    const f = file(
      'bad.yaml',
      `${INSTALLED}
version: 1
accounts:
  prod: { uid: "1234567890123456", credentials: { profile: prod, env: PROD } }
  dev: { uid: "1234567890123457", credentials: {} }
instances:
  hz:
    account: prod
    region: cn-hangzhou
    edition: Advanced
    name: acme-hz
    imports:
      - { from: personal, sourceNamespace: legacy, namespace: team-a, bucket: my-bucket }
    replication:
      - { name: r1, level: namespace, namespace: team-a, repository: api, to: { instance: hz } }
`,
    );
    const messages = (await server.open(f)).map((d) => `${d.range.start.line + 1}: ${d.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        '4: credentials take exactly one of profile, env, ramRoleArn or defaultChain',
        '5: credentials take exactly one of profile, env, ramRoleArn or defaultChain',
        '13: bucket is only used with from: oss',
        '15: repository is only used with level: repository',
      ]),
    );
    expect(messages.filter((m) => /Matches (multiple schemas|a schema that is not allowed)/.test(m))).toEqual([]);
  });

  it("reads adopt's output clean, with the $schema line adopt writes in this project", async () => {
    const ref = schemaReference(project);
    expect(ref).toBe('./node_modules/acrctl/schemas/registry.schema.json');
    // An adopted file (the golden of the cross-account example) as adopt writes it here.
    const golden = readFileSync(join(REPO, 'test/golden/adopt/cross-account-replication/adopted.yaml'), 'utf8');
    const text = golden.replace(/^# yaml-language-server: \$schema=.*$/m, `# yaml-language-server: $schema=${ref}`).replace(/\$\{env:[A-Z_]+\}/g, 'x');
    const f = file('adopted.yaml', text);
    expect(await server.open(f)).toEqual([]);
  });
});

describe('the examples in an editor', { timeout: 60_000 }, () => {
  it('have no diagnostics with the $schema line they carry', async () => {
    const server = await startYamlLanguageServer(REPO);
    try {
      for (const example of ['quickstart', 'migrate-personal', 'cross-account-replication', 'cross-region-access']) {
        const f = join(REPO, 'examples', example, 'registry.yaml');
        expect(await server.open(f), example).toEqual([]);
      }
    } finally {
      await server.close();
    }
  });
});

describe('schemaReference', () => {
  it('prefers an installed acrctl above the output directory, else the running one', () => {
    const root = mkdtempSync(join(tmpdir(), 'acrctl-schemaref-'));
    try {
      mkdirSync(join(root, 'node_modules', 'acrctl', 'schemas'), { recursive: true });
      cpSync(join(REPO, 'schemas', 'registry.schema.json'), join(root, 'node_modules', 'acrctl', 'schemas', 'registry.schema.json'));
      mkdirSync(join(root, 'deploy', 'prod'), { recursive: true });
      expect(schemaReference(join(root, 'deploy', 'prod'))).toBe('../../node_modules/acrctl/schemas/registry.schema.json');
      expect(schemaReference(join(REPO, 'examples', 'quickstart'), () => false)).toBe('../../schemas/registry.schema.json');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
