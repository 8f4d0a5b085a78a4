/**
 * The test suite's network guard: no test, and no process a test starts, may send a packet to an
 * address outside loopback (127.0.0.0/8, ::1). Plain JavaScript so that child processes can load
 * it with `node --import` (NODE_OPTIONS) without a TypeScript loader.
 *
 * What it does, in the process that imports it (idempotent):
 * - `net.Socket.prototype.connect` (which net.connect, tls.connect, http(s) agents and fetch all go
 *   through) refuses a TCP destination that is not loopback BEFORE the original connect runs: no OS
 *   socket is created, no DNS query is made. A host name other than `localhost` is refused unless the
 *   caller gave its own `lookup` and that lookup answers with loopback addresses only; every lookup
 *   result is checked. The socket then fails with `code: 'EACRCTL_NET_GUARD'`, as a refused
 *   connection would. Unix-domain sockets (`path`) are local and allowed.
 * - `dns.lookup` (callback and promise) refuses any name but `localhost` and loopback literals;
 *   the c-ares resolvers (`dns.resolve*`, `reverse`, `Resolver`), which always query a name server,
 *   are refused outright.
 * - `dgram` sends and connects to non-loopback addresses are refused.
 * Every refusal is recorded: in memory (`takeViolations()`), and, when `ACRCTL_NET_GUARD_LOG` names
 * a file, appended to it as a JSON line, so the test process can fail the test whose child made it.
 *
 * This wraps Node's own modules inside our test harness; it never touches an SDK.
 */
import { appendFileSync } from 'node:fs';
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

const STATE = Symbol.for('acrctl.test.netGuard');
export const GUARD_CODE = 'EACRCTL_NET_GUARD';

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for 127.0.0.0/8 and ::1, in any spelling (IPv4-mapped `::ffff:127.0.0.1` included). */
export function isLoopbackAddress(address) {
  if (typeof address !== 'string') return false;
  const a = address.replace(/^\[|\]$/g, '');
  const kind = net.isIP(a);
  return kind !== 0 && LOOPBACK.check(a, kind === 4 ? 'ipv4' : 'ipv6');
}

/** `localhost` (any case, optional trailing dot) resolves through /etc/hosts, never the network. */
function isLocalhostName(host) {
  return typeof host === 'string' && /^localhost\.?$/i.test(host);
}

function state() {
  return globalThis[STATE];
}

function record(what, target) {
  const v = { pid: process.pid, what, target, at: new Date().toISOString() };
  state().violations.push(v);
  const log = process.env.ACRCTL_NET_GUARD_LOG;
  if (log) {
    try {
      appendFileSync(log, `${JSON.stringify(v)}\n`);
    } catch {
      // The in-memory record still fails an in-process test.
    }
  }
  return v;
}

function guardError(what, target) {
  record(what, target);
  const err = new Error(`test network guard: refused ${what} ${target} (tests may only reach 127.0.0.0/8 and ::1)`);
  err.code = GUARD_CODE;
  return err;
}

/** Options object of a `Socket#connect(...)` call, whatever form the arguments take. */
function connectOptions(args) {
  const first = args[0];
  if (Array.isArray(first)) return typeof first[0] === 'object' && first[0] !== null ? first[0] : undefined;
  if (typeof first === 'object' && first !== null) return first;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  }
  if (typeof first === 'string') return { path: first };
  return undefined;
}

/** A lookup that passes on only loopback answers. */
function checkedLookup(inner, host) {
  return function guardedLookup(hostname, options, callback) {
    const cb = typeof options === 'function' ? options : callback;
    const opts = typeof options === 'function' ? {} : options;
    inner(hostname, opts, (err, address, family) => {
      if (err) return cb(err);
      const all = Array.isArray(address) ? address.map((x) => x.address) : [address];
      const bad = all.find((x) => !isLoopbackAddress(x));
      if (bad !== undefined) return cb(guardError('a connection to', `${host} (resolved to ${bad})`));
      return cb(null, address, family);
    });
  };
}

function installSockets() {
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    const opts = connectOptions(args);
    if (opts && (opts.path === undefined || opts.path === null)) {
      const host = opts.host ?? 'localhost';
      const port = opts.port;
      if (net.isIP(String(host).replace(/^\[|\]$/g, ''))) {
        if (!isLoopbackAddress(host)) return refuse(this, guardError('a connection to', `${host}:${port}`));
      } else if (isLocalhostName(host)) {
        opts.lookup = checkedLookup(opts.lookup ?? dns.lookup, host);
      } else if (typeof opts.lookup === 'function') {
        opts.lookup = checkedLookup(opts.lookup, host);
      } else {
        // Resolving the name would already send a DNS query: refuse before it.
        return refuse(this, guardError('a connection to', `${host}:${port}`));
      }
    }
    return original.apply(this, args);
  };
}

/** Fails the socket as a refused connection would, without ever creating an OS socket. */
function refuse(socket, err) {
  process.nextTick(() => socket.destroy(err));
  return socket;
}

const RESOLVER_METHODS = ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCaa', 'resolveCname', 'resolveMx', 'resolveNaptr', 'resolveNs', 'resolvePtr', 'resolveSoa', 'resolveSrv', 'resolveTxt', 'reverse'];

function installDns() {
  const lookup = dns.lookup;
  dns.lookup = function guardedLookup(hostname, options, callback) {
    const cb = typeof options === 'function' ? options : callback;
    if (!isLocalhostName(hostname) && !isLoopbackAddress(hostname)) {
      const err = guardError('a DNS lookup of', String(hostname));
      process.nextTick(() => cb(err));
      return {};
    }
    return lookup.call(this, hostname, options, callback);
  };
  const plookup = dns.promises.lookup;
  dns.promises.lookup = async function guardedPromiseLookup(hostname, options) {
    if (!isLocalhostName(hostname) && !isLoopbackAddress(hostname)) throw guardError('a DNS lookup of', String(hostname));
    return plookup.call(this, hostname, options);
  };
  const refuseResolve = (name) =>
    function guardedResolve(hostname, ...rest) {
      const err = guardError(`a DNS query (${name}) for`, String(hostname));
      const cb = rest.reverse().find((x) => typeof x === 'function');
      if (cb) {
        process.nextTick(() => cb(err));
        return undefined;
      }
      return Promise.reject(err);
    };
  for (const target of [dns, dns.promises, dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
    for (const m of RESOLVER_METHODS) if (typeof target[m] === 'function') target[m] = refuseResolve(m);
  }
}

function installDgram() {
  const send = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function guardedSend(...args) {
    // send(msg, [offset, length,] port, address, [callback])
    const address = args.find((x, i) => i > 0 && typeof x === 'string');
    if (address !== undefined && !isLoopbackAddress(address) && !isLocalhostName(address)) {
      const err = guardError('a UDP datagram to', address);
      const cb = args.find((x) => typeof x === 'function');
      if (cb) process.nextTick(() => cb(err));
      else process.nextTick(() => this.emit('error', err));
      return;
    }
    return send.apply(this, args);
  };
  const connect = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function guardedUdpConnect(port, address, callback) {
    if (typeof address === 'string' && !isLoopbackAddress(address) && !isLocalhostName(address)) {
      const err = guardError('a UDP connect to', `${address}:${port}`);
      process.nextTick(() => this.emit('error', err));
      return;
    }
    return connect.call(this, port, address, callback);
  };
}

/** Installs the guard in this process (once). */
export function installNetGuard() {
  if (globalThis[STATE]) return;
  globalThis[STATE] = { violations: [] };
  installSockets();
  installDns();
  installDgram();
  // ESM named imports of node:dns (`import { lookup } from 'node:dns'`) see the wrapped functions.
  syncBuiltinESMExports();
}

/** Returns and forgets the refusals recorded in this process since the last call. */
export function takeViolations() {
  const s = state();
  if (!s) return [];
  return s.violations.splice(0, s.violations.length);
}

installNetGuard();
