// Imported first by server.mjs so that it runs before oidc-provider is loaded.
//
// stdout is reserved for the single JSON "ready" line that the test fixture parses, so
// anything the library prints with console.log / console.info goes to stderr instead.
// A few well-known warnings that are expected for a local test server (Node 20 runtime,
// in-memory adapter) are dropped to keep stderr readable.

const EXPECTED = [
  /Unsupported runtime/,
  /in-memory adapter is used/,
];

function isExpected(args) {
  const text = args.map(String).join(' ');
  return EXPECTED.some((pattern) => pattern.test(text));
}

const toStderr = (...args) => {
  if (!isExpected(args)) {
    console.error(...args);
  }
};

console.log = toStderr;
console.info = toStderr;
console.warn = toStderr;
console.debug = toStderr;
