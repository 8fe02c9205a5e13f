'use strict';
const { Buffer } = require('node:buffer');
// A consumer function for the streaming bench: it reads each record's send time (the first 15 characters of
// its value, stamped by the producer) and answers with how long the record took to reach it.
exports.handler = async (event) => {
  const now = Date.now();
  const latencies = [];
  for (const records of Object.values(event.records)) {
    for (const record of records) {
      const sentAt = Number(Buffer.from(record.value, 'base64').subarray(0, 15).toString());
      latencies.push(now - sentAt);
    }
  }
  return { latencies };
};
