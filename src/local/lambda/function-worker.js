'use strict';
// One Lambda execution environment of the offline runtime: a worker thread that loads a function's
// bundle once (its cold start) and then runs one invocation at a time, as long as it lives. Plain
// CommonJS so that a worker starts with node alone, whatever loader (tsx, jest) started the runtime.
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { writeSync } = require('node:fs');

process.setSourceMapsEnabled(true);

// The function's output goes straight to standard error from this thread (a relay through the
// runtime's thread would cost it as much as the work): nothing, its structured lines (JSON logs and
// EMF metrics), or every line with the function's name in front (`npm start -- --verbose`).
const { logs, functionName } = workerData;
const isStructured = (line) => line.startsWith('{') && (line.includes('"_aws"') || line.includes('"level"'));
let partial = '';
const writeLines = (chunk) => {
  const lines = (partial + String(chunk)).split('\n');
  partial = lines.pop();
  for (const line of lines) {
    if (logs === 'all' && line.trim()) writeSync(2, `${functionName}: ${line}\n`);
    else if (logs === 'structured' && isStructured(line)) writeSync(2, `${line}\n`);
  }
  return true;
};
process.stdout.write = writeLines;
process.stderr.write = writeLines;

/** Lambda's shape for an error: its name is the type Step Functions' Retry and Catch match on. */
const errorPayload = (error, fallbackType) => {
  if (error instanceof Error) {
    return {
      errorType: error.name || fallbackType,
      errorMessage: error.message,
      trace: String(error.stack || '').split('\n'),
    };
  }
  return { errorType: fallbackType, errorMessage: String(error), trace: [] };
};

const initStarted = performance.now();
let handler;
let initError;
try {
  const { file, exportName } = workerData;
  const loaded = require(file)[exportName];
  if (typeof loaded !== 'function') {
    const error = new TypeError(`${workerData.handler} is undefined or not exported`);
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
  handler = loaded;
} catch (error) {
  initError = errorPayload(error, 'Runtime.ImportModuleError');
}
parentPort.postMessage({ kind: 'ready', initMs: performance.now() - initStarted, error: initError });

const run = (event, context) =>
  new Promise((resolve, reject) => {
    // Callback-style handlers are still supported by the Node.js 20 runtime.
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    const deadline = Date.now() + context.remainingMs;
    const lambdaContext = {
      ...context,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: callback,
      succeed: (result) => callback(null, result),
      fail: (error) => callback(error),
    };
    try {
      const returned = handler(event, lambdaContext, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  });

parentPort.on('message', async ({ id, event, context }) => {
  try {
    const result = await run(event, context);
    // Lambda answers with the JSON of the result; `undefined` becomes null.
    parentPort.postMessage({
      kind: 'result',
      id,
      payload: JSON.stringify(result === undefined ? null : result),
    });
  } catch (error) {
    parentPort.postMessage({ kind: 'result', id, error: errorPayload(error, 'Error') });
  }
});
