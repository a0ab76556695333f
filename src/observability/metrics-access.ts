import { BlockList, isIP } from 'node:net';
import { timingSafeEqual } from 'node:crypto';

/** Who may read `/metrics`: a bearer token, or a client address in the allow-list. */
export interface MetricsAccessOptions {
  /** a secret scrapers send as `Authorization: Bearer <token>`; empty disables token access */
  token: string;
  /** IPs or CIDR ranges allowed without a token (default loopback only) */
  allow: string[];
}

/**
 * Builds the check for `/metrics`. A matching token always passes; otherwise the
 * client address (after trusted-proxy resolution) must fall in the allow-list.
 */
export function createMetricsAccess(
  options: MetricsAccessOptions,
): (ip: string, authorization?: string) => boolean {
  const list = new BlockList();
  for (const entry of options.allow) {
    const [address, bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  const expected = options.token ? Buffer.from(`Bearer ${options.token}`) : null;
  return (ip, authorization) => {
    if (expected && authorization) {
      const given = Buffer.from(authorization);
      if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    }
    return allowed(list, ip);
  };
}

function allowed(list: BlockList, ip: string): boolean {
  // IPv4 clients on a dual-stack socket show up as ::ffff:a.b.c.d
  const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
}
