/**
 * Preloaded (node --require) into the electronegativity scanner. At start it fetches updated
 * translations from S3 with got and a 1 s timeout. Tests talk only to loopback, and offline that
 * request races got's own timeout with its retry; under load the race ends in p-cancelable's
 * "The `onCancel` handler was attached after the promise settled" and the scanner dies before it
 * reads dist/. Here the download fails at once, so the scanner takes its documented fallback
 * (the en-US strings it ships) every time.
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');

const load = Module._load;
Module._load = function (request, parent, isMain) {
  const from = parent && parent.filename ? parent.filename : '';
  if (request === 'got' && from.includes(path.join('@doyensec', 'electronegativity'))) {
    return () => Promise.reject(new Error('offline: translations are not downloaded in tests'));
  }
  return load.call(this, request, parent, isMain);
};
