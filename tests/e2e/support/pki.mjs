// A throw-away test PKI for the browser end-to-end tests, made with the
// `openssl` CLI (OpenSSL 3.0; Debian package openssl). No dependencies.
//
//   import { makePki } from './support/pki.mjs';
//   const pki = makePki(dir, ['doh.test', 'mta-sts.good.test']);
//   pki.caFile            // the CA certificate (PEM file) to trust
//   pki.certs.good        // { cert, key } PEM strings; also expired, selfSigned, wrongName
//   pki.goodSpki          // base64 SHA-256 of the good leaf's SPKI (for --ignore-certificate-errors-spki-list)
//
// `dir` should be a fresh temporary directory (one per run); everything is
// written there and nothing else is touched.
//
// The leaves (all ECDSA P-256, signed with SHA-256):
//   good         signed by the CA, valid now, SANs = exactly `names` (no wildcard)
//   expired      signed by the CA, SANs = `names`, valid 2020-01-01 .. 2020-02-01
//                (`openssl ca -startdate/-enddate`: `x509 -not_before` is 3.4+)
//   selfSigned   signed by itself, valid now, SANs = `names`
//   wrongName    signed by the CA, valid now, SAN = wrong-name.invalid only
// So each bad leaf has exactly one defect, and a browser's error for it names
// that defect (ERR_CERT_DATE_INVALID, ERR_CERT_AUTHORITY_INVALID,
// ERR_CERT_COMMON_NAME_INVALID).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The only name on the wrong-name leaf. */
export const WRONG_NAME = 'wrong-name.invalid';

const NAME_RE = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * @param {string} dir a fresh directory (created if missing)
 * @param {string[]} names DNS names for the good (and expired, self-signed) leaf
 * @returns {{ dir: string, caFile: string, caPem: string, goodSpki: string, names: string[],
 *   certs: Record<'good'|'expired'|'selfSigned'|'wrongName', { cert: string, key: string, certFile: string, keyFile: string }> }}
 */
export function makePki(dir, names) {
  if (!Array.isArray(names) || names.length === 0) throw new TypeError('makePki: names must be a non-empty array');
  const sans = [...new Set(names.map((n) => String(n).toLowerCase()))];
  for (const n of sans) if (!NAME_RE.test(n)) throw new TypeError(`makePki: not a DNS name: ${JSON.stringify(n)}`);
  mkdirSync(dir, { recursive: true });
  const f = (name) => path.join(dir, name);
  const ssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

  const altNames = (list) => list.map((n, i) => `DNS.${i + 1} = ${n}`).join('\n');
  // One config for everything, so the system's /etc/ssl/openssl.cnf plays no part.
  writeFileSync(f('openssl.cnf'), `
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = @good_names
[ self_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = @good_names
[ wrong_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:${WRONG_NAME}
[ good_names ]
${altNames(sans)}
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = ${dir}
database = ${f('index.txt')}
new_certs_dir = ${dir}
serial = ${f('serial')}
certificate = ${f('ca.pem')}
private_key = ${f('ca.key')}
default_md = sha256
policy = any_policy
unique_subject = no
email_in_dn = no
copy_extensions = none
[ any_policy ]
commonName = supplied
`);
  writeFileSync(f('index.txt'), '');
  writeFileSync(f('serial'), '1001\n');

  const key = (name) => ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f(`${name}.key`));
  const conf = ['-config', f('openssl.cnf')];

  // The CA.
  key('ca');
  ssl('req', ...conf, '-new', '-x509', '-key', f('ca.key'), '-subj', '/CN=mtasts e2e test CA', '-days', '30',
    '-sha256', '-extensions', 'ca_ext', '-out', f('ca.pem'));

  // Good and wrong-name leaves: CSR, then signed by the CA.
  const signed = (name, cn, ext, serial) => {
    key(name);
    ssl('req', ...conf, '-new', '-key', f(`${name}.key`), '-subj', `/CN=${cn}`, '-out', f(`${name}.csr`));
    ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-set_serial', String(serial),
      '-days', '30', '-sha256', '-extfile', f('openssl.cnf'), '-extensions', ext, '-out', f(`${name}.pem`));
  };
  signed('good', sans[0], 'leaf_ext', 2);
  signed('wrong-name', WRONG_NAME, 'wrong_ext', 3);

  // Expired: `openssl ca` takes explicit start and end dates.
  key('expired');
  ssl('req', ...conf, '-new', '-key', f('expired.key'), '-subj', `/CN=${sans[0]}`, '-out', f('expired.csr'));
  ssl('ca', ...conf, '-batch', '-notext', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z',
    '-extfile', f('openssl.cnf'), '-extensions', 'leaf_ext', '-in', f('expired.csr'), '-out', f('expired.pem'));

  // Self-signed leaf.
  key('self-signed');
  ssl('req', ...conf, '-new', '-x509', '-key', f('self-signed.key'), '-subj', `/CN=${sans[0]}`, '-days', '30',
    '-sha256', '-extensions', 'self_ext', '-out', f('self-signed.pem'));

  const spkiDer = ssl('pkey', '-in', f('good.key'), '-pubout', '-outform', 'DER');
  const goodSpki = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: spkiDer }).toString('base64');

  const pair = (name) => ({
    cert: readFileSync(f(`${name}.pem`), 'utf8'), key: readFileSync(f(`${name}.key`), 'utf8'),
    certFile: f(`${name}.pem`), keyFile: f(`${name}.key`),
  });
  return {
    dir,
    caFile: f('ca.pem'),
    caPem: readFileSync(f('ca.pem'), 'utf8'),
    goodSpki,
    names: sans,
    certs: { good: pair('good'), expired: pair('expired'), selfSigned: pair('self-signed'), wrongName: pair('wrong-name') },
  };
}
