/**
 * `cl upload <URL>` (spec §9.1, item 3): the server downloads the URL into a new bundle. What it
 * does is decided from the URL alone, here, so the CLI refuses before creating a bundle and the
 * server refuses the same things:
 *
 * - only `http:` and `https:`, without a user name or password (the URL becomes the bundle's
 *   public `source_url`);
 * - archive-ness is judged by the file name of the URL's path (query and fragment ignored):
 *   `.tar` and `.tar.gz`/`.tgz` are unpacked into a directory, `.gz` into the file it compresses;
 *   `.zip` and bzip2 archives cannot be unpacked on the server (zip needs the whole file in memory,
 *   bzip2 has no web-stream decoder) and are refused unless kept packed;
 * - hosts on this machine or a private network are refused unless the instance allows them
 *   (`privateHostProblem`): the server must not become a way into networks its users cannot reach.
 */
import { CodalabError } from "../errors.ts";
import { type ArchiveFormat, archiveSuffixOf, unpacksToDirectory } from "./archive-format.ts";

export const MAX_UPLOAD_URL_LENGTH = 4096;

/** `https://host/a/data.tar.gz?x=1` → `data.tar.gz` (percent-decoded); "" when the path has no name. */
export function urlFileName(url: URL): string {
  const segments = url.pathname.split("/").filter((segment) => segment !== "");
  const last = segments.at(-1) ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** A URL `cl upload` may give the server, or BAD_REQUEST saying why not. */
export function parseUploadUrl(text: string): URL {
  if (text.length > MAX_UPLOAD_URL_LENGTH) {
    throw new CodalabError("BAD_REQUEST", `the URL is longer than ${MAX_UPLOAD_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CodalabError("BAD_REQUEST", `${JSON.stringify(text)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CodalabError(
      "BAD_REQUEST",
      `cannot download ${text}: only http and https URLs can be uploaded (not ${url.protocol.replace(/:$/, "")})`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new CodalabError(
      "BAD_REQUEST",
      `cannot download ${url.protocol}//…@${url.host}${url.pathname}: URLs with a user name or password are refused, ` +
        "because the URL is stored as the bundle's source_url for everyone who can read it",
    );
  }
  return url;
}

export type UrlUploadPlan = {
  /** What the bundle becomes. */
  kind: "file" | "directory";
  /** The archive to unpack, or null to store the bytes as they arrive. */
  format: Extract<ArchiveFormat, "tar" | "tar.gz" | "gz"> | null;
};

/** How the server stores a URL's contents; throws BAD_REQUEST for archives it cannot unpack. */
export function planUrlUpload(url: URL, options: { unpack: boolean }): UrlUploadPlan {
  const archive = options.unpack ? archiveSuffixOf(urlFileName(url)) : null;
  if (archive === null) return { kind: "file", format: null };
  const { format, suffix } = archive;
  if (format === "tar" || format === "tar.gz" || format === "gz") {
    return { kind: unpacksToDirectory(format) ? "directory" : "file", format };
  }
  throw new CodalabError(
    "BAD_REQUEST",
    `cannot unpack ${url.href} on the server: ${suffix} archives are unpacked only when uploaded from a local file ` +
      "(the server unpacks .tar, .tar.gz, .tgz and .gz); it can be kept packed as one file",
    { format },
  );
}

/**
 * Why the server should not download from this URL's host, or null: `localhost` and names
 * without a domain, and IP literals that are loopback, private, link-local (cloud metadata
 * services), shared, multicast or reserved. Names are not resolved (a Worker cannot), so a public
 * name that points inside is only stopped by the network: on Cloudflare, Workers' requests leave
 * from Cloudflare's network and cannot reach the operator's private addresses.
 */
export function privateHostProblem(url: URL): string | null {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[")) return ipv6Problem(host.slice(1, -1));
  const ipv4 = parseIpv4(host);
  if (ipv4 !== null) return ipv4Problem(ipv4);
  if (host === "localhost" || host.endsWith(".localhost")) return `${host} is this machine`;
  if (!host.includes(".")) return `${host} is a local network name (it has no domain)`;
  return null;
}

function parseIpv4(host: string): number[] | null {
  // The URL parser already rewrote every IPv4 spelling (hex, octal, one number) as a.b.c.d.
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (match === null) return null;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? octets : null;
}

/** [first octet, second octet from, second octet to, what it is] */
const PRIVATE_IPV4: readonly [number, number, number, string][] = [
  [0, 0, 255, "a reserved address"],
  [10, 0, 255, "a private address"],
  [100, 64, 127, "a shared (carrier-grade NAT) address"],
  [127, 0, 255, "a loopback address"],
  [169, 254, 254, "a link-local address"],
  [172, 16, 31, "a private address"],
  [192, 168, 168, "a private address"],
  [198, 18, 19, "a benchmarking address"],
];

function ipv4Problem([a = 0, b = 0, c = 0]: number[]): string | null {
  const text = (what: string) => `the host is ${what}`;
  for (const [first, from, to, what] of PRIVATE_IPV4) if (a === first && b >= from && b <= to) return text(what);
  if (a === 192 && b === 0 && c === 0) return text("a reserved address");
  if (a >= 224) return text(a < 240 ? "a multicast address" : "a reserved address");
  return null;
}

/** Eight 16-bit groups, or null. The URL parser serializes IPv6 hosts in hex groups only. */
function parseIpv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16)));
  const head = parse(halves[0] ?? "");
  const tail = halves.length === 2 ? parse(halves[1] ?? "") : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : null;
}

function ipv6Problem(text: string): string | null {
  const groups = parseIpv6(text);
  if (groups === null) return null;
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = groups;
  const leadingZeros = groups.slice(0, 5).every((group) => group === 0);
  const embedded = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  if (leadingZeros && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) {
    return `the host is ${g7 === 1 ? "a loopback address" : "a reserved address"}`;
  }
  // IPv4-mapped (::ffff:a.b.c.d) and the NAT64 prefix (64:ff9b::a.b.c.d) reach IPv4 addresses.
  if (leadingZeros && g5 === 0xffff) return ipv4Problem(embedded);
  if (g0 === 0x64 && g1 === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) return ipv4Problem(embedded);
  if ((g0 & 0xfe00) === 0xfc00) return "the host is a private (unique local) address";
  if ((g0 & 0xffc0) === 0xfe80) return "the host is a link-local address";
  if ((g0 & 0xff00) === 0xff00) return "the host is a multicast address";
  if (leadingZeros && g5 === 0) return "the host is a reserved address";
  return null;
}
