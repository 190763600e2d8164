import { describe, expect, it } from "vitest";
import { checkUpstreamUrl, forbiddenAddressReason, isAllowlisted, isForbiddenAddress, parseUpstreamAllowlist, type UpstreamAllowlist } from "./ssrf-guard.ts";
import { upstreamAllowlistSetting } from "./upstream-allowlist-setting.ts";

describe("isForbiddenAddress", () => {
  it.each([
    // IPv4
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["169.254.170.2", "link-local (cloud metadata)"],
    ["169.254.1.1", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.127.255.255", "carrier-grade NAT"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["198.18.0.1", "reserved"],
    ["198.19.255.255", "reserved"],
    ["192.0.0.192", "reserved"],
    ["192.0.2.1", "reserved"],
    ["240.0.0.1", "reserved"],
    // decimal / octal / hex / short forms of 127.0.0.1
    ["2130706433", "loopback"],
    ["0177.0.0.1", "loopback"],
    ["0x7f.1", "loopback"],
    ["127.1", "loopback"],
    ["0x7f000001", "loopback"],
    // IPv6
    ["::1", "loopback"],
    ["[::1]", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["febf::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fd00:ec2::254", "unique-local (cloud metadata)"],
    ["ff02::1", "multicast"],
    ["fec0::1", "site-local"],
    ["2001:db8::1", "reserved"],
    ["100::1", "discard-only"],
    ["::7f00:1", "reserved"],
    // IPv6 forms carrying an IPv4 address
    ["::ffff:127.0.0.1", "loopback (IPv4-mapped form of 127.0.0.1)"],
    ["::ffff:7f00:1", "loopback (IPv4-mapped form of 127.0.0.1)"],
    ["::ffff:169.254.169.254", "link-local (cloud metadata) (IPv4-mapped form of 169.254.169.254)"],
    ["::ffff:10.1.2.3", "private (IPv4-mapped form of 10.1.2.3)"],
    ["64:ff9b::10.0.0.1", "private (NAT64 form of 10.0.0.1)"],
    ["64:ff9b::7f00:1", "loopback (NAT64 form of 127.0.0.1)"],
    ["64:ff9b:1::1", "NAT64 local-use"],
    ["2002:7f00:1::1", "loopback (6to4 form of 127.0.0.1)"],
    ["2002:c0a8:101::1", "private (6to4 form of 192.168.1.1)"],
    // Teredo: server 65.54.227.120, client 127.0.0.1 obfuscated as 80ff:fffe
    ["2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback (Teredo client of 127.0.0.1)"],
    ["2001:0:a00:1::1", "private (Teredo server of 10.0.0.1)"],
    // not an address at all: fail closed
    ["example.com", "not an IP address"],
    ["", "not an IP address"],
  ])("refuses %s (%s)", (ip, reason) => {
    expect(isForbiddenAddress(ip)).toBe(true);
    expect(forbiddenAddressReason(ip)).toBe(reason);
  });

  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "172.32.0.1",
    "100.128.0.1",
    "198.20.0.1",
    "169.255.0.1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ])("allows the public address %s", (ip) => {
    expect(forbiddenAddressReason(ip)).toBeUndefined();
    expect(isForbiddenAddress(ip)).toBe(false);
  });
});

describe("checkUpstreamUrl", () => {
  const strict = { allowHttp: false, allowPrivate: false };
  const lax = { allowHttp: true, allowPrivate: false };

  it("accepts a public https URL", () => {
    const result = checkUpstreamUrl("https://api.example.com/v1?x=1", strict);
    expect(result.ok && result.url.href).toBe("https://api.example.com/v1?x=1");
  });

  it("requires https unless http is allowed", () => {
    expect(checkUpstreamUrl("http://api.example.com/", strict)).toEqual({
      ok: false,
      kind: "blocked",
      reason: "plain http is not allowed; use https",
    });
    expect(checkUpstreamUrl("http://api.example.com/", lax).ok).toBe(true);
  });

  it.each(["ftp://example.com/", "file:///etc/passwd", "gopher://example.com/", "/relative", "not a url"])(
    "treats %s as an invalid URL",
    (url) => {
      const result = checkUpstreamUrl(url, lax);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.kind).toBe("invalid_url");
    },
  );

  it("refuses credentials in the URL", () => {
    expect(checkUpstreamUrl("https://user:pass@api.example.com/", strict).ok).toBe(false);
  });

  it.each([
    ["http://127.0.0.1/", "address 127.0.0.1 is loopback"],
    ["http://2130706433/", "address 127.0.0.1 is loopback"],
    ["http://0177.0.0.1/", "address 127.0.0.1 is loopback"],
    ["http://0x7f.1/", "address 127.0.0.1 is loopback"],
    ["http://0x7f000001/", "address 127.0.0.1 is loopback"],
    ["http://127.1/", "address 127.0.0.1 is loopback"],
    ["http://127.0.0.1./", "address 127.0.0.1 is loopback"],
    ["http://127.000.000.001/", "address 127.0.0.1 is loopback"],
    ["http://①②⑦.0.0.1/", "address 127.0.0.1 is loopback"],
    ["http://169.254.169.254/latest/meta-data/", "address 169.254.169.254 is link-local (cloud metadata)"],
    ["http://10.0.0.1/", "address 10.0.0.1 is private"],
    ["http://[::1]:8080/", "address ::1 is loopback"],
    ["http://[::ffff:127.0.0.1]/", "address ::ffff:7f00:1 is loopback (IPv4-mapped form of 127.0.0.1)"],
    ["http://[fd00:ec2::254]/", "address fd00:ec2::254 is unique-local (cloud metadata)"],
    ["http://0.0.0.0:80/", "address 0.0.0.0 is unspecified"],
  ])("refuses the IP-literal host of %s", (url, reason) => {
    expect(checkUpstreamUrl(url, lax)).toEqual({ ok: false, kind: "blocked", reason });
  });

  it("lets private addresses through when allowPrivate is set", () => {
    expect(checkUpstreamUrl("http://127.0.0.1:3000/", { allowHttp: true, allowPrivate: true }).ok).toBe(true);
  });

  it("leaves host names to the connection-time check", () => {
    expect(checkUpstreamUrl("http://localhost:3000/", lax).ok).toBe(true);
  });

  it("enforces allowedHosts when non-empty", () => {
    const policy = { ...strict, allowedHosts: ["api.example.com", "[2606:4700::1]"] };
    expect(checkUpstreamUrl("https://API.example.com/x", policy).ok).toBe(true);
    expect(checkUpstreamUrl("https://[2606:4700::1]/x", policy).ok).toBe(true);
    expect(checkUpstreamUrl("https://evil.example.com/x", policy)).toEqual({
      ok: false,
      kind: "blocked",
      reason: "host evil.example.com is not in the allowed hosts",
    });
    expect(checkUpstreamUrl("https://anything.example/", { ...strict, allowedHosts: [] }).ok).toBe(true);
  });
});

describe("UPSTREAM_ALLOWLIST", () => {
  const allowlist = (text: string): UpstreamAllowlist => {
    const parsed = parseUpstreamAllowlist(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.allowlist;
  };
  const lax = { allowHttp: true, allowPrivate: false };

  it("parses host:port entries, normalising case and IPv6 forms", () => {
    expect([...allowlist(" 127.0.0.1:4010 , [0:0:0:0:0:0:0:1]:4010,CRM.Internal:8080,")]).toEqual(["127.0.0.1:4010", "[::1]:4010", "crm.internal:8080"]);
    expect(allowlist("").size).toBe(0);
  });

  it.each([
    ["127.0.0.1", "is not host:port"],
    ["127.0.0.1:", "is not host:port"],
    ["127.0.0.1:0", "is not host:port"],
    ["127.0.0.1:70000", "is not host:port"],
    ["::1:4010", "is not host:port"],
    ["[nope]:4010", "is not host:port"],
    ["[1.2.3.4]:4010", "has an invalid IPv6 address"],
    ["http://127.0.0.1:4010", "is not host:port"],
  ])("refuses the malformed entry %s with a clear error", (entry, problem) => {
    const parsed = parseUpstreamAllowlist(`127.0.0.1:4010,${entry}`);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toBe(`"${entry}" ${problem}${problem === "is not host:port" ? " (e.g. 127.0.0.1:4010 or [::1]:4010)" : ""}`);
  });

  it("is read from the environment with the same rule, naming the variable when an entry is wrong", () => {
    expect([...upstreamAllowlistSetting.parse("127.0.0.1:4010")]).toEqual(["127.0.0.1:4010"]);
    expect(upstreamAllowlistSetting.parse(undefined).size).toBe(0);
    const bad = upstreamAllowlistSetting.safeParse("localhost");
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('UPSTREAM_ALLOWLIST: "localhost" is not host:port (e.g. 127.0.0.1:4010 or [::1]:4010)');
  });

  it("lets exactly the listed host:port through the address checks", () => {
    const policy = { ...lax, allowlist: allowlist("127.0.0.1:4010,[::1]:4011") };
    expect(checkUpstreamUrl("http://127.0.0.1:4010/contacts", policy).ok).toBe(true);
    expect(checkUpstreamUrl("http://[::1]:4011/contacts", policy).ok).toBe(true);
    expect(checkUpstreamUrl("http://[0:0::1]:4011/contacts", policy).ok).toBe(true);
  });

  it.each([
    ["http://127.0.0.1:4011/", "address 127.0.0.1 is loopback"], // another port of the listed host
    ["http://127.0.0.1/", "address 127.0.0.1 is loopback"], // the default port
    ["http://127.0.0.2:4010/", "address 127.0.0.2 is loopback"], // another loopback address
    ["http://10.0.0.1:4010/", "address 10.0.0.1 is private"], // another private host on the port
    ["http://169.254.169.254:4010/", "address 169.254.169.254 is link-local (cloud metadata)"],
    ["http://[::1]:4010/", "address ::1 is loopback"], // listed only as IPv4
    ["http://[::ffff:127.0.0.1]:4010/", "address ::ffff:7f00:1 is loopback (IPv4-mapped form of 127.0.0.1)"],
  ])("still refuses %s", (url, reason) => {
    expect(checkUpstreamUrl(url, { ...lax, allowlist: allowlist("127.0.0.1:4010") })).toEqual({ ok: false, kind: "blocked", reason });
  });

  it("does not lift the https requirement", () => {
    const policy = { allowHttp: false, allowPrivate: false, allowlist: allowlist("127.0.0.1:4010") };
    expect(checkUpstreamUrl("http://127.0.0.1:4010/", policy)).toEqual({ ok: false, kind: "blocked", reason: "plain http is not allowed; use https" });
  });

  it("compares the scheme's default port when the URL names none", () => {
    const list = allowlist("10.0.0.5:443,10.0.0.6:80");
    expect(isAllowlisted(list, "10.0.0.5", "", "https:")).toBe(true);
    expect(isAllowlisted(list, "10.0.0.5", "", "http:")).toBe(false);
    expect(isAllowlisted(list, "10.0.0.6", "", "http:")).toBe(true);
    expect(checkUpstreamUrl("https://10.0.0.5/", { allowHttp: false, allowPrivate: false, allowlist: list }).ok).toBe(true);
  });
});
