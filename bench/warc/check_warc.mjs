// Reads WARC files with webrecorder's warcio.js (an independent reader: not jwarc, which wrote them) and checks
// each response record (and each metadata record: application/warc-fields with outlink or fetchError): its payload's SHA-1 equals its WARC-Payload-Digest, and, given the site's ROOT, equals the
// body the server sends for the URL now. Prints one line per file and a summary; exits 1 on any mismatch.
// Usage: node check_warc.mjs ROOT|- FILE...   (run by bench/warc/check, which installs warcio.js)
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import { WARCParser } from "warcio";

const base32 = (buf) => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0, out = "";
  for (const byte of buf) {
    value = (value << 8) | byte; bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
};

const [root, ...files] = process.argv.slice(2);
if (!root || files.length === 0) {
  console.error("usage: check_warc.mjs ROOT|- FILE...");
  process.exit(2);
}
let responses = 0, requests = 0, metadata = 0, compared = 0, bad = 0;
for (const file of files) {
  const parser = new WARCParser(createReadStream(file));
  let here = 0;
  for await (const record of parser) {
    if (record.warcType === "request") {
      requests++;
      continue;
    }
    if (record.warcType === "metadata") {     // a redirect's outlink, or a fetch that got no response
      metadata++;
      const type = record.warcHeader("Content-Type");
      const body = new TextDecoder().decode(await record.readFully(false));
      if (type !== "application/warc-fields" || !/^(outlink|fetchError): /m.test(body)) {
        console.error(`${record.warcTargetURI}: a metadata record of ${type} without outlink or fetchError`);
        bad++;
      }
      continue;
    }
    if (record.warcType !== "response") continue;
    responses++; here++;
    const payload = Buffer.from(await record.readFully(false));
    const digest = "sha1:" + base32(createHash("sha1").update(payload).digest());
    const declared = record.warcHeader("WARC-Payload-Digest");
    if (declared !== digest) {
      console.error(`${record.warcTargetURI}: WARC-Payload-Digest ${declared}, payload hashes to ${digest}`);
      bad++;
    }
    if (root !== "-" && record.warcTargetURI.startsWith(root)) {
      const live = Buffer.from(await (await fetch(record.warcTargetURI, { redirect: "manual" })).arrayBuffer());
      compared++;
      if (!live.equals(payload)) {
        console.error(`${record.warcTargetURI}: ${payload.length} bytes in the WARC, the server sends ${live.length}`);
        bad++;
      }
    }
  }
  console.log(`${file}: ${here} responses`);
}
console.log(`warcio.js: ${responses} responses, ${requests} requests, ${metadata} metadata, ` +
  `${compared} compared with the server, ` +
  `${bad} mismatches`);
process.exit(bad === 0 && responses > 0 && responses === requests ? 0 : 1);
