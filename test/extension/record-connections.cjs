// Preloaded (NODE_OPTIONS=--require) into a tool a test runs and into every Node process it starts: each socket it
// opens, TCP or TLS or a local pipe, is appended as one JSON line to the file $GPT2_CONNECTIONS_LOG before it
// connects. Every client socket, http's and https's included, goes through net.Socket's connect, so the file
// holds every place the tool reached for: a test of a tool that must stay offline reads it.
const { appendFileSync } = require('node:fs');
const net = require('node:net');

const log = process.env.GPT2_CONNECTIONS_LOG;
const connect = net.Socket.prototype.connect;

/** What connect was asked to reach, in any of its forms: (options), (port, host), (path), or net's own [options, cb]. */
function target(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'object' && first !== null) return typeof first.path === 'string' ? { path: first.path } : { host: first.host ?? 'localhost', port: Number(first.port) };
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
}

if (log) {
  net.Socket.prototype.connect = function (...args) {
    appendFileSync(log, `${JSON.stringify({ pid: process.pid, ...target(args) })}\n`);
    return connect.apply(this, args);
  };
}
