import fs from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface TlsFiles {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

/**
 * A self-signed certificate for 127.0.0.1/localhost, made on first start and kept, so that
 * NODE_EXTRA_CA_CERTS=<certPath> keeps working across restarts. The JS SDK's webhook mode and the
 * Python SDK only speak https.
 */
export async function ensureCertificate(dir: string): Promise<TlsFiles> {
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, 'key.pem');
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
    const pems = await generate([{ name: 'commonName', value: 'imbot-server local' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000),
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    } as Parameters<typeof generate>[1]);
    // Several servers may start at once on one data folder (parallel tests with `:memory:`): the pair is
    // written to a private folder that is renamed into place in one step, so no server reads a
    // half-written file or a key and a certificate from two different runs.
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    const tmp = fs.mkdtempSync(`${dir}.tmp-`);
    fs.writeFileSync(path.join(tmp, 'key.pem'), pems.private, { mode: 0o600 });
    fs.writeFileSync(path.join(tmp, 'cert.pem'), pems.cert);
    try {
      fs.renameSync(tmp, dir);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true });
      // Another server won the race, or an incomplete folder is in the way: then write in place.
      if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
        fs.writeFileSync(keyPath, pems.private, { mode: 0o600 });
        fs.writeFileSync(certPath, pems.cert);
      }
    }
  }
  return { certPath, keyPath, cert: fs.readFileSync(certPath, 'utf8'), key: fs.readFileSync(keyPath, 'utf8') };
}
