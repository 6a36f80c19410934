/**
 * Refuses action:http targets outside the public internet: loopback,
 * private, link-local (cloud metadata), carrier-grade NAT, multicast,
 * reserved, unspecified, and IPv6 forms that embed such an IPv4 address
 * (IPv4-mapped, NAT64, 6to4). Every address a name resolves to is checked,
 * inside the connection's own DNS lookup, so the address checked is the
 * address connected to (no DNS rebinding between check and connect).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { PermanentStepError } from './step-error';

const ALLOW_HINT = 'set HTTP_ACTION_ALLOW_PRIVATE=true to allow private and loopback targets';

function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = address.range();
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  const bytes = address.toByteArray();
  if (range === 'rfc6052') return ipaddr.fromByteArray(bytes.slice(12, 16)) as ipaddr.IPv4;
  if (range === '6to4') return ipaddr.fromByteArray(bytes.slice(2, 6)) as ipaddr.IPv4;
  return undefined;
}

/** Why the address is not a public unicast address, or undefined when it is. */
export function nonPublicReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v4 = embeddedIPv4(parsed as ipaddr.IPv6);
    if (v4) {
      const inner = nonPublicReason(v4.toString());
      return inner ? `${address} embeds ${inner}` : undefined;
    }
  }
  const range = parsed.range();
  return range === 'unicast' ? undefined : `${address} is a ${range} address`;
}

export function assertPublicAddress(address: string): void {
  const reason = nonPublicReason(address);
  if (reason) throw new PermanentStepError(`refused: ${reason} (${ALLOW_HINT})`);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A drop-in for dns.lookup that fails when any resolved address is not public. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    for (const entry of list) {
      const reason = nonPublicReason(entry.address);
      if (reason) return callback(new PermanentStepError(`refused: ${hostname} resolves to ${reason} (${ALLOW_HINT})`), []);
    }
    if (list.length === 0) return callback(Object.assign(new Error(`${hostname} did not resolve`), { code: 'ENOTFOUND' }), []);
    if (options.all) return callback(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
}

/** Checks a URL's host when it is an IP literal (connections to literals skip DNS, and so the lookup guard). */
export function assertPublicLiteralHost(url: URL): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) assertPublicAddress(host);
}
