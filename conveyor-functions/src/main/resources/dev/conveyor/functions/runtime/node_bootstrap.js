// Conveyor's bootstrap for nodejs functions whose zip does not carry aws-lambda-ric: loads the handler given as the
// first argument ("file.function", file relative to LAMBDA_TASK_ROOT, .js/.mjs/.cjs) and loops on the Lambda Runtime
// API at AWS_LAMBDA_RUNTIME_API. Node's standard library only; supports async handlers and callback handlers.
'use strict';
const http = require('http');
const path = require('path');
const fs = require('fs');
const { pathToFileURL } = require('url');

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const base = '/2018-06-01/runtime';

function call(method, p, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path: base + p, headers: headers || {} }, res => {
      const chunks = [];
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function errorDocument(err) {
  return {
    errorType: (err && err.name) || 'Error',
    errorMessage: (err && err.message) || String(err),
    trace: err && err.stack ? String(err.stack).split('\n') : [],
  };
}

async function loadHandler(spec) {
  const dot = spec.lastIndexOf('.');
  if (dot < 1) throw Object.assign(new Error(`Bad handler ${spec}`), { name: 'Runtime.MalformedHandlerName' });
  const file = spec.slice(0, dot), name = spec.slice(dot + 1);
  const root = process.env.LAMBDA_TASK_ROOT;
  for (const ext of ['.js', '.mjs', '.cjs']) {
    const candidate = path.resolve(root, file + ext);
    if (fs.existsSync(candidate)) {
      const mod = await import(pathToFileURL(candidate).href);
      const fn = mod[name] || (mod.default && mod.default[name]);
      if (typeof fn !== 'function') {
        throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
      }
      return fn;
    }
  }
  throw Object.assign(new Error(`Cannot find module '${file}'`), { name: 'Runtime.ImportModuleError' });
}

function invokeHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (err, result) => (err ? reject(err) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
    } catch (err) {
      reject(err);
    }
  });
}

(async () => {
  let handler;
  try {
    handler = await loadHandler(process.argv[2] || process.env._HANDLER);
  } catch (err) {
    const doc = errorDocument(err);
    console.error(`ERROR ${doc.errorType}: ${doc.errorMessage}`);
    await call('POST', '/init/error', JSON.stringify(doc), { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
    process.exit(1);
  }
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    const deadline = Number(next.headers['lambda-runtime-deadline-ms'] || 0);
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: next.headers['lambda-runtime-invoked-function-arn'],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      const event = next.body ? JSON.parse(next.body) : undefined;
      const result = await invokeHandler(handler, event, context);
      await call('POST', `/invocation/${requestId}/response`, JSON.stringify(result === undefined ? null : result));
    } catch (err) {
      const doc = errorDocument(err);
      console.error(`ERROR ${doc.errorType}: ${doc.errorMessage}`);
      await call('POST', `/invocation/${requestId}/error`, JSON.stringify(doc), { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
    }
  }
})();
