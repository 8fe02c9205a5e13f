/**
 * IP address and CIDR handling for the `cidr` operator, written to the rules of AWS's open-source Event Ruler
 * (the engine behind EventBridge patterns and SNS filter policies): dotted-quad IPv4 and colon-hex IPv6 literals
 * (no embedded IPv4 tail, no zone id), mask bits below the address width, and a range that runs from the address
 * as written up to the address with every host bit set.
 */

const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The address as 4 (IPv4) or 16 (IPv6) bytes, or undefined when the text is not an IP literal. */
export function parseIp(text: string): Uint8Array | undefined {
  if (IPV4.test(text)) return parseIpv4(text);
  if (IPV6.test(text)) return parseIpv6(text);
  return undefined;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.').map(Number);
  if (parts.some((part) => !Number.isInteger(part) || part > 255)) return undefined;
  return Uint8Array.from(parts);
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): string[] | undefined => {
    if (half === undefined || half === '') return [];
    const parts = half.split(':');
    return parts.every((part) => IPV6_GROUP.test(part)) ? parts : undefined;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (head === undefined || tail === undefined) return undefined;
  const compressed = halves.length === 2;
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** An inclusive address range, bytes compared in network order. */
export interface IpRange {
  readonly bottom: Uint8Array;
  readonly top: Uint8Array;
}

/** Why a CIDR string was refused; the text matches Event Ruler's. */
export type CidrProblem =
  | "Malformed CIDR, one '/' required"
  | 'Malformed CIDR, mask bits must be an integer'
  | 'Malformed CIDR, mask bits must not be negative'
  | 'IPv4 mask bits must be < 32'
  | 'IPv6 mask bits must be < 128'
  | `Nonstandard IP address: ${string}`;

export type CidrParse =
  { readonly ok: true; readonly range: IpRange } | { readonly ok: false; readonly problem: CidrProblem };

export function parseCidr(cidr: string): CidrParse {
  const slashed = cidr.split('/');
  const [address, bits] = slashed;
  if (slashed.length !== 2 || address === undefined || bits === undefined) {
    return { ok: false, problem: "Malformed CIDR, one '/' required" };
  }
  if (!/^[+-]?[0-9]+$/.test(bits))
    return { ok: false, problem: 'Malformed CIDR, mask bits must be an integer' };
  const maskBits = Number(bits);
  if (maskBits < 0) return { ok: false, problem: 'Malformed CIDR, mask bits must not be negative' };
  const bottom = parseIp(address);
  if (bottom === undefined) return { ok: false, problem: `Nonstandard IP address: ${address}` };
  if (bottom.length === 4 && maskBits > 31) return { ok: false, problem: 'IPv4 mask bits must be < 32' };
  if (bottom.length === 16 && maskBits > 127) return { ok: false, problem: 'IPv6 mask bits must be < 128' };
  const top = Uint8Array.from(bottom);
  let hostBits = bottom.length * 8 - maskBits;
  for (let i = top.length - 1; i >= 0 && hostBits > 0; i--, hostBits -= 8) {
    top[i] = (top[i] ?? 0) | (hostBits >= 8 ? 0xff : (1 << hostBits) - 1);
  }
  return { ok: true, range: { bottom, top } };
}

const compare = (a: Uint8Array, b: Uint8Array): number => {
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
};

/** True when `value` is an IP literal of the range's family that lies inside it. */
export function ipInRange(value: string, range: IpRange): boolean {
  const ip = parseIp(value);
  if (ip === undefined || ip.length !== range.bottom.length) return false;
  return compare(ip, range.bottom) >= 0 && compare(ip, range.top) <= 0;
}
