/**
 * A minimal Language Server Protocol client for tests: starts the real yaml-language-server (the
 * server behind VS Code's YAML extension, Neovim's yamlls and others) over stdio, opens documents
 * from disk and asks for completion, hover and diagnostics, as an editor would.
 *
 * The schema store is off, so the server never looks anything up outside the files it is given; the
 * suite's network guard (test/setup/no-network.ts) is loaded into the child process as well.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export interface Position {
  line: number;
  character: number;
}
export interface Diagnostic {
  message: string;
  severity?: number;
  range: { start: Position; end: Position };
  source?: string;
}
export interface CompletionItem {
  label: string;
  documentation?: string | { kind: string; value: string };
}
export interface Hover {
  contents: { kind: string; value: string } | string | Array<string | { language: string; value: string }>;
}

export interface YamlLanguageServer {
  /** Opens a file from disk (its text as it is now) and waits for the server's diagnostics of it. */
  open(file: string): Promise<Diagnostic[]>;
  completion(file: string, at: Position): Promise<CompletionItem[]>;
  hover(file: string, at: Position): Promise<Hover | null>;
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Starts yaml-language-server with `root` as the workspace folder. */
export async function startYamlLanguageServer(root: string): Promise<YamlLanguageServer> {
  const pkg = require.resolve('yaml-language-server/package.json');
  const bin = join(dirname(pkg), 'bin', 'yaml-language-server');
  const child: ChildProcess = spawn(process.execPath, [bin, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  // A write the server can no longer read (it exited) is not the test's failure.
  child.stdin!.on('error', () => undefined);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const conn: MessageConnection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published = new Map<string, Diagnostic[]>();
  const waiters = new Map<string, Array<(d: Diagnostic[]) => void>>();
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
    published.set(p.uri, p.diagnostics);
    for (const w of waiters.get(p.uri) ?? []) w(p.diagnostics);
    waiters.delete(p.uri);
  });
  // The server asks for its settings, for each section, through workspace/configuration.
  const settings: Record<string, unknown> = {
    yaml: { validate: true, hover: true, completion: true, format: { enable: false }, schemaStore: { enable: false }, schemas: {} },
    http: { proxy: '', proxyStrictSSL: false },
    '[yaml]': {},
    editor: { tabSize: 2 },
  };
  conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) =>
    p.items.map((i) => (i.section ? settings[i.section] ?? null : settings)),
  );
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification(() => undefined);
  conn.listen();

  const rootUri = pathToFileURL(root).href;
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: 'project' }],
    capabilities: {
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
      textDocument: {
        completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'], snippetSupport: false } },
        hover: { contentFormat: ['markdown', 'plaintext'] },
        publishDiagnostics: {},
      },
    },
    initializationOptions: {},
  });
  conn.sendNotification('initialized', {});
  conn.sendNotification('workspace/didChangeConfiguration', { settings });

  const versions = new Map<string, number>();
  const uriOf = (file: string): string => pathToFileURL(file).href;
  return {
    async open(file) {
      const uri = uriOf(file);
      const version = (versions.get(uri) ?? 0) + 1;
      versions.set(uri, version);
      published.delete(uri);
      const got = new Promise<Diagnostic[]>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no diagnostics for ${file} within 20 s; server said: ${stderr.slice(-2000)}`)), 20_000);
        waiters.set(uri, [
          ...(waiters.get(uri) ?? []),
          (d) => {
            clearTimeout(timer);
            res(d);
          },
        ]);
      });
      const text = readFileSync(file, 'utf8');
      if (version === 1) conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
      else conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      return got;
    },
    async completion(file, at) {
      const r = await conn.sendRequest<{ items: CompletionItem[] } | CompletionItem[] | null>('textDocument/completion', {
        textDocument: { uri: uriOf(file) },
        position: at,
      });
      return r === null ? [] : Array.isArray(r) ? r : r.items;
    },
    hover(file, at) {
      return conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: at });
    },
    async close() {
      // shutdown, then close the pipe (the server exits when its input ends): nothing is written
      // to the server once it may be gone.
      await Promise.race([conn.sendRequest('shutdown').catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
      conn.dispose();
      const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      child.stdin!.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}

/** The 0-based position of the first occurrence of `needle` in the file, plus `offset` characters. */
export function positionOf(file: string, needle: string, offset = 0): Position {
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  const before = text.slice(0, i + offset);
  const lines = before.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1]!.length };
}
