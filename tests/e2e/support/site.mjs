// The e2e suites' standard domain: one that earns an A unless a test breaks it.

/** A valid enforce policy for `d` covering its two MX hosts. */
export const policyText = (d, { mode = 'enforce', maxAge = 1209600, mx = [`mx1.${d}`, `*.mx.${d}`] } = {}) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), `max_age: ${maxAge}`, ''].join('\n');

/**
 * The world scenario ({ zone, hosts } by hostname, see world.mjs) for `d`:
 * `names` replaces zone entries (null deletes one), `host` overrides the
 * policy host's behaviour, `hosts` adds hosts, `noHost` drops the policy host.
 */
export function siteWorld(d, { host = {}, names = {}, hosts = {}, noHost = false } = {}) {
  const zone = {
    [d]: { A: ['192.0.2.1'], MX: [[10, `mx1.${d}`], [20, `a.mx.${d}`]] },
    [`_mta-sts.${d}`]: { TXT: [['v=STSv1; id=20240501T120000']] },
    [`_smtp._tls.${d}`]: { TXT: [[`v=TLSRPTv1; rua=mailto:tlsrpt@${d}`]] },
    [`mta-sts.${d}`]: { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
    [`mx1.${d}`]: { A: ['192.0.2.25'] },
    [`a.mx.${d}`]: { A: ['192.0.2.26'] },
  };
  for (const [k, v] of Object.entries(names)) { if (v === null) delete zone[k]; else zone[k] = v; }
  const byHost = noHost ? { ...hosts }
    : { [`mta-sts.${d}`]: { status: 200, contentType: 'text/plain', body: policyText(d), ...host }, ...hosts };
  return { zone, hosts: byHost };
}
