// HTTPS for the local portal. Clients that insist on https (the official SDK among them) must be
// able to reach it, so `https: true` makes a throw-away self-signed certificate for 127.0.0.1 and
// localhost with the `openssl` command; `https: {key, cert}` serves a given pair instead.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TlsPair {
  /** PEM private key. */
  key: string;
  /** PEM certificate; clients trust it through NODE_EXTRA_CA_CERTS or an Agent's `ca`. */
  cert: string;
}

export function selfSignedCertificate(host = "127.0.0.1"): TlsPair {
  const dir = mkdtempSync(join(tmpdir(), "oint-portal-tls-"));
  try {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    const names = ["IP:127.0.0.1", "IP:::1", "DNS:localhost"];
    if (!["127.0.0.1", "::1", "localhost"].includes(host)) names.push(/^[\d.:]+$/.test(host) ? `IP:${host}` : `DNS:${host}`);
    try {
      execFileSync(
        "openssl",
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
          "-subj", `/CN=${host}`, "-addext", `subjectAltName=${names.join(",")}`],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new Error("https: true needs the `openssl` command to make a self-signed certificate, and it is not installed; install openssl or pass https: {key, cert}");
      }
      const detail = String((error as { stderr?: Buffer }).stderr ?? "").trim().split("\n")[0];
      throw new Error(`openssl could not make a self-signed certificate${detail ? `: ${detail}` : ""}`);
    }
    return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true }); // the key must not linger on disk
  }
}
