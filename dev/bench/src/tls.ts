import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface ThrowawayCertificate {
  /** PEM file to hand to NODE_EXTRA_CA_CERTS, so that Node trusts the emulator. */
  certFile: string;
  key: Buffer;
  cert: Buffer;
}

/**
 * A self-signed P-256 certificate for 127.0.0.1, valid one day, made in `dir` with the openssl
 * CLI: the emulator speaks real TLS, as TikTok does, without any key kept in the repository.
 */
export const makeThrowawayCertificate = (dir: string): ThrowawayCertificate => {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' }
  );
  return { certFile, key: readFileSync(keyFile), cert: readFileSync(certFile) };
};
