// HTTPS for the local portal. Clients that insist on https (the official SDK among them) must be
// able to reach it, so `https: true` makes a throw-away self-signed certificate for 127.0.0.1, ::1
// and localhost (plus the host it listens on) in-process: a P-256 key from node:crypto and an X.509
// v3 certificate written as DER below. No openssl command, no package. `https: {key, cert}` serves
// a given pair instead.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { isIP } from "node:net";

export interface TlsPair {
  /** PEM private key. */
  key: string;
  /** PEM certificate; clients trust it through NODE_EXTRA_CA_CERTS or an Agent's `ca`. */
  cert: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A fresh key and a self-signed certificate for `host` (valid from an hour ago for 30 days). */
export function selfSignedCertificate(host = "127.0.0.1"): TlsPair {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const names = ["127.0.0.1", "::1", "localhost"];
  if (!names.includes(host)) names.push(host);
  const now = Date.now();
  const der = certificateDer({ host, names, publicKey, privateKey, notBefore: new Date(now - 60 * 60 * 1000), notAfter: new Date(now + 30 * DAY_MS) });
  return {
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    cert: pem("CERTIFICATE", der),
  };
}

interface CertificateFields {
  host: string;
  names: string[];
  publicKey: KeyObject;
  privateKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
}

// RFC 5280 §4.1, the fields `openssl req -x509` writes: v3, random serial, ecdsa-with-SHA256,
// CN=host as issuer and subject, subjectKeyIdentifier, authorityKeyIdentifier, basicConstraints
// CA:TRUE (so the certificate can be its own trust anchor) and subjectAltName.
function certificateDer(f: CertificateFields): Buffer {
  const spki = f.publicKey.export({ type: "spki", format: "der" });
  const keyId = createHash("sha1").update(subjectPublicKeyBits(spki)).digest();
  const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));
  const name = seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(f.host, "utf8")))));
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive and 16 bytes long
  const tbs = seq(
    tlv(0xa0, integer(Buffer.from([2]))), // version v3
    integer(serial),
    ecdsaWithSha256,
    name,
    seq(time(f.notBefore), time(f.notAfter)),
    name,
    spki,
    tlv(0xa3, seq(
      extension("2.5.29.14", tlv(0x04, keyId)),
      extension("2.5.29.35", seq(tlv(0x80, keyId))),
      extension("2.5.29.19", seq(tlv(0x01, Buffer.from([0xff]))), true),
      extension("2.5.29.17", seq(...f.names.map(generalName))),
    )),
  );
  const signature = sign("sha256", tbs, f.privateKey); // DER-encoded ECDSA signature
  return seq(tbs, ecdsaWithSha256, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
}

/** The subjectPublicKey BIT STRING's bits (what subjectKeyIdentifier hashes, RFC 5280 §4.2.1.2). */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  const outer = read(spki, 0);
  const algorithm = read(spki, outer.body);
  const bits = read(spki, algorithm.end);
  return spki.subarray(bits.body + 1, bits.end); // skip the unused-bits byte
}

function read(der: Buffer, at: number): { body: number; end: number } {
  let length = der[at + 1]!;
  let body = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[body + i]!;
    body += count;
  }
  return { body, end: body + length };
}

function generalName(name: string): Buffer {
  const family = isIP(name);
  if (family === 4) return tlv(0x87, Buffer.from(name.split(".").map(Number)));
  if (family === 6) return tlv(0x87, ipv6Bytes(name));
  return tlv(0x82, Buffer.from(name, "ascii")); // dNSName
}

function ipv6Bytes(address: string): Buffer {
  let text = address.replace(/%.*$/, "");
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

function extension(id: string, value: Buffer, critical = false): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

/** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 §4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z"; // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), "ascii")) : tlv(0x18, Buffer.from(iso, "ascii"));
}

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number) as [number, number, ...number[]];
  const out = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function seq(...parts: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(parts));
}

function set(...parts: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(parts));
}

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else {
    length = [];
    for (let v = n; v > 0; v >>>= 8) length.unshift(v & 0xff);
    length.unshift(0x80 | length.length);
  }
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
