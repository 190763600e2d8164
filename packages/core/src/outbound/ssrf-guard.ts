import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * SSRF guard (DESIGN §6): which addresses an upstream call may reach. Everything that is not
 * plain global unicast is refused — loopback, private, link-local (incl. cloud metadata),
 * CGNAT, multicast, unspecified, broadcast, reserved/benchmarking/documentation, IPv6
 * unique-local — and IPv6 forms that embed an IPv4 address (v4-mapped, NAT64, 6to4, Teredo)
 * are judged by the IPv4 address they carry.
 */

const V4_RANGE_NAMES: Record<string, string | undefined> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT",
  private: "private",
  reserved: "reserved",
};

/** IPv6 ranges that are routable on the internet; anything else outside 2000::/3 is refused. */
const V6_ALLOWED_RANGES = new Set(["unicast", "amt", "as112v6"]);
const V6_GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");
const V6_RANGE_NAMES: Record<string, string | undefined> = {
  unspecified: "unspecified",
  linkLocal: "link-local",
  multicast: "multicast",
  loopback: "loopback",
  uniqueLocal: "unique-local",
  deprecatedSiteLocal: "site-local",
  discard: "discard-only",
  benchmarking: "reserved",
  reserved: "reserved",
};

/** Cloud metadata endpoints (AWS/GCP/Azure IMDS, ECS task metadata, AWS IMDS over IPv6). */
const METADATA_ADDRESSES = new Set(
  ["169.254.169.254", "169.254.170.2", "fd00:ec2::254"].map((a) => ipaddr.parse(a).toNormalizedString()),
);
const withMetadataNote = (name: string, address: ipaddr.IPv4 | ipaddr.IPv6) =>
  METADATA_ADDRESSES.has(address.toNormalizedString()) ? `${name} (cloud metadata)` : name;

/**
 * Why an address may not be reached, or `undefined` when it is a public address. Strings that
 * do not parse as an IP address are refused ("not an IP address"), so callers fail closed.
 * Accepts bracketed IPv6 (`[::1]`) and zone ids (`fe80::1%eth0`).
 */
export function forbiddenAddressReason(ip: string): string | undefined {
  const text = ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(text);
  } catch {
    return "not an IP address";
  }
  return address.kind() === "ipv4" ? reasonV4(address as ipaddr.IPv4) : reasonV6(address as ipaddr.IPv6);
}

/** Whether the SSRF guard refuses this address (see {@link forbiddenAddressReason}). */
export function isForbiddenAddress(ip: string): boolean {
  return forbiddenAddressReason(ip) !== undefined;
}

function reasonV4(address: ipaddr.IPv4): string | undefined {
  const range = address.range();
  const name = V4_RANGE_NAMES[range];
  if (name === undefined) return undefined;
  return withMetadataNote(name, address);
}

function reasonV6(address: ipaddr.IPv6): string | undefined {
  const parts = address.parts;
  const range = address.range();
  const v4At = (hi: number, lo: number) => ipaddr.fromByteArray([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]) as ipaddr.IPv4;
  const embedded = (v4: ipaddr.IPv4, form: string) => {
    const reason = reasonV4(v4);
    return reason === undefined ? undefined : `${reason} (${form} of ${v4.toString()})`;
  };
  const p = (i: number) => parts[i] ?? 0;

  switch (range) {
    case "ipv4Mapped":
      return embedded(address.toIPv4Address(), "IPv4-mapped form");
    case "rfc6145":
      return embedded(v4At(p(6), p(7)), "IPv4-translated form");
    case "rfc6052":
      // 64:ff9b::/96 is the well-known NAT64 prefix; 64:ff9b:1::/48 is for local use only.
      return p(2) === 0 && p(3) === 0 && p(4) === 0 && p(5) === 0
        ? embedded(v4At(p(6), p(7)), "NAT64 form")
        : "NAT64 local-use";
    case "6to4":
      return embedded(v4At(p(1), p(2)), "6to4 form");
    case "teredo":
      // Server at bits 32–63, client (obfuscated by inversion) at bits 96–127 (RFC 4380 §4).
      return (
        embedded(v4At(p(2), p(3)), "Teredo server") ??
        embedded(v4At(~p(6) & 0xffff, ~p(7) & 0xffff), "Teredo client")
      );
  }
  const name = V6_RANGE_NAMES[range];
  if (name !== undefined) return withMetadataNote(name, address);
  if (!V6_ALLOWED_RANGES.has(range) || !address.match(V6_GLOBAL_UNICAST)) {
    // e.g. IPv4-compatible ::a.b.c.d (deprecated) or anything outside global unicast.
    return "reserved";
  }
  return undefined;
}

/**
 * Exact `host:port` pairs the address checks let through although they are private
 * (`UPSTREAM_ALLOWLIST`): `npm start` allows only its demo CRM this way, so the guard stays on
 * for everything else. Entries are normalised by {@link parseUpstreamAllowlist}.
 */
export type UpstreamAllowlist = ReadonlySet<string>;

/** An IP literal or hostname, lower-cased, IPv6 without brackets and in compact form. */
function normaliseHost(host: string): string {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return isIP(bare) === 6 ? ipaddr.parse(bare).toString() : bare;
}

const allowlistKey = (host: string, port: number) => {
  const bare = normaliseHost(host);
  return `${isIP(bare) === 6 ? `[${bare}]` : bare}:${port}`;
};

/**
 * Parses `UPSTREAM_ALLOWLIST`: comma-separated `host:port` entries (`127.0.0.1:4010`,
 * `[::1]:4010`, `crm.internal:8080`). The port is required, so an entry never opens a whole host.
 * @returns the normalised entries, or the first malformed entry's problem
 */
export function parseUpstreamAllowlist(text: string): { ok: true; allowlist: UpstreamAllowlist } | { ok: false; error: string } {
  const entries = new Set<string>();
  for (const raw of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) return { ok: false, error: `"${raw}" is not host:port (e.g. 127.0.0.1:4010 or [::1]:4010)` };
    const host = match[1]!;
    if (host.startsWith("[") && isIP(host.slice(1, -1)) !== 6) return { ok: false, error: `"${raw}" has an invalid IPv6 address` };
    entries.add(allowlistKey(host, port));
  }
  return { ok: true, allowlist: entries };
}

/**
 * Whether a connection to `host` on `port` (an empty port = the scheme's default) is on the
 * allowlist. Compared exactly: another port of the same host, or another name for the same
 * address, is not.
 */
export function isAllowlisted(allowlist: UpstreamAllowlist | undefined, host: string, port: string | number, protocol: string): boolean {
  if (!allowlist || allowlist.size === 0) return false;
  const effectivePort = port === "" || port === undefined ? (protocol === "https:" ? 443 : 80) : Number(port);
  return allowlist.has(allowlistKey(host, effectivePort));
}

export interface UpstreamPolicy {
  /** Allow plain `http:` (projects that opted in; development). */
  allowHttp: boolean;
  /** Lift the address checks (`ALLOW_PRIVATE_UPSTREAMS`, development and tests only). */
  allowPrivate: boolean;
  /** `host:port` pairs exempt from the address checks (`UPSTREAM_ALLOWLIST`). */
  allowlist?: UpstreamAllowlist;
  /** When non-empty, the only hostnames that may be called (exact, case-insensitive). */
  allowedHosts?: string[];
}

export type UpstreamUrlCheck =
  | { ok: true; url: URL }
  | { ok: false; kind: "invalid_url" | "blocked"; reason: string };

/**
 * The checks that can be made before connecting: scheme, credentials, host allow-list, and IP
 * literal hosts. The WHATWG parser has already turned decimal/octal/hex IPv4 forms
 * (`http://2130706433/`, `http://0x7f.1/`) into dotted form. Host *names* are checked after
 * DNS resolution, at connection time, by the outbound client.
 */
export function checkUpstreamUrl(url: string, policy: UpstreamPolicy): UpstreamUrlCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, kind: "invalid_url", reason: "not an absolute URL" };
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return { ok: false, kind: "invalid_url", reason: `scheme ${parsed.protocol.replace(/:$/, "")} is not allowed` };
  }
  if (parsed.protocol === "http:" && !policy.allowHttp) {
    return { ok: false, kind: "blocked", reason: "plain http is not allowed; use https" };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return { ok: false, kind: "invalid_url", reason: "URL may not contain credentials" };
  }
  const hostname = parsed.hostname.toLowerCase();
  const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  const allowed = policy.allowedHosts?.map((h) => h.toLowerCase().replace(/^\[(.*)\]$/, "$1")) ?? [];
  if (allowed.length > 0 && !allowed.includes(bare)) {
    return { ok: false, kind: "blocked", reason: `host ${hostname} is not in the allowed hosts` };
  }
  if (!policy.allowPrivate && isIP(bare) !== 0 && !isAllowlisted(policy.allowlist, bare, parsed.port, parsed.protocol)) {
    const reason = forbiddenAddressReason(bare);
    if (reason !== undefined) return { ok: false, kind: "blocked", reason: `address ${bare} is ${reason}` };
  }
  return { ok: true, url: parsed };
}
