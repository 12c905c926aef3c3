/**
 * Test certificates made with Debian's openssl: a private CA, a good leaf for
 * 127.0.0.1/localhost, an expired leaf, a leaf for the wrong host, and a
 * self-signed leaf. Generated once per test file into a temp dir.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Pem {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

export interface TestPki {
  dir: string;
  ca: Pem;
  good: Pem;
  expired: Pem;
  wrongHost: Pem;
  selfSigned: Pem;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makePki(): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uos-chat-pki-'));
  const file = (n: string) => path.join(dir, n);
  const pem = (name: string): Pem => ({
    cert: readFileSync(file(`${name}.crt`), 'utf8'),
    key: readFileSync(file(`${name}.key`), 'utf8'),
    certFile: file(`${name}.crt`),
    keyFile: file(`${name}.key`),
  });
  const key = (name: string) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);

  key('ca');
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'ca.key',
      '-days',
      '30',
      '-subj',
      '/CN=UOS Chat Test CA',
      '-out',
      'ca.crt',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );

  // `openssl ca` lets us choose the validity window, so an expired certificate can be made today.
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '1000\n');
  writeFileSync(
    file('ca.cnf'),
    `[ca]\ndefault_ca=test\n[test]\ndir=${dir}\ndatabase=${file('index.txt')}\nserial=${file('serial')}\nnew_certs_dir=${dir}\n` +
      `certificate=${file('ca.crt')}\nprivate_key=${file('ca.key')}\ndefault_md=sha256\npolicy=any\nunique_subject=no\ncopy_extensions=copy\n[any]\ncommonName=supplied\n`,
  );
  const leaf = (name: string, san: string, dates: string[]) => {
    key(name);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`, '-out', `${name}.csr`], dir);
    openssl(['ca', '-batch', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', `${name}.crt`, '-notext', ...dates], dir);
  };
  leaf('good', 'IP:127.0.0.1,DNS:localhost', ['-days', '30']);
  leaf('expired', 'IP:127.0.0.1,DNS:localhost', ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']);
  leaf('wrongHost', 'DNS:chat.wrong.example', ['-days', '30']);
  key('selfSigned');
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      'selfSigned.key',
      '-days',
      '30',
      '-subj',
      '/CN=selfSigned',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-out',
      'selfSigned.crt',
    ],
    dir,
  );

  return {
    dir,
    ca: pem('ca'),
    good: pem('good'),
    expired: pem('expired'),
    wrongHost: pem('wrongHost'),
    selfSigned: pem('selfSigned'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
