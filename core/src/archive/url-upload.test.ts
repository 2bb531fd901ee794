import { describe, expect, it } from "vitest";
import { CodalabError } from "../errors.ts";
import { parseUploadUrl, planUrlUpload, privateHostProblem, urlFileName } from "./url-upload.ts";

const plan = (text: string, unpack = true) => planUrlUpload(new URL(text), { unpack });
const problem = (text: string) => privateHostProblem(new URL(text));

describe("URL uploads", () => {
  it("take the file name from the URL's path, without query or fragment, percent-decoded", () => {
    expect(urlFileName(new URL("https://example.org/a/data.tar.gz?sig=1#x"))).toBe("data.tar.gz");
    expect(urlFileName(new URL("https://example.org/a/my%20file.txt"))).toBe("my file.txt");
    expect(urlFileName(new URL("https://example.org/dir/"))).toBe("dir");
    expect(urlFileName(new URL("https://example.org"))).toBe("");
    expect(urlFileName(new URL("https://example.org/bad%zz"))).toBe("bad%zz");
  });

  it("unpack .tar and .tar.gz/.tgz into directories and .gz into a file, judged by the file name", () => {
    expect(plan("https://example.org/x.tar")).toEqual({ kind: "directory", format: "tar" });
    expect(plan("https://example.org/x.TGZ")).toEqual({ kind: "directory", format: "tar.gz" });
    expect(plan("https://example.org/x.tar.gz?download=1")).toEqual({ kind: "directory", format: "tar.gz" });
    expect(plan("https://example.org/notes.txt.gz")).toEqual({ kind: "file", format: "gz" });
    expect(plan("https://example.org/get?file=x.tar.gz")).toEqual({ kind: "file", format: null });
    expect(plan("https://example.org/x.tar.gz", false)).toEqual({ kind: "file", format: null });
    expect(plan("https://example.org/data.csv")).toEqual({ kind: "file", format: null });
  });

  it("refuse to unpack zip and bzip2 archives on the server, but keep them packed when asked", () => {
    for (const name of ["x.zip", "x.tar.bz2", "x.tbz2", "notes.bz2"]) {
      expect(() => plan(`https://example.org/${name}`)).toThrow(
        /cannot unpack .* on the server: .* unpacked only when/,
      );
      expect(plan(`https://example.org/${name}`, false)).toEqual({ kind: "file", format: null });
    }
  });

  it("accept only http and https URLs without credentials", () => {
    expect(parseUploadUrl("https://example.org/x").href).toBe("https://example.org/x");
    expect(parseUploadUrl("http://example.org:8080/x?y=1").href).toBe("http://example.org:8080/x?y=1");
    const refusal = (text: string) => {
      try {
        parseUploadUrl(text);
      } catch (error) {
        expect(error).toBeInstanceOf(CodalabError);
        expect((error as CodalabError).code).toBe("BAD_REQUEST");
        return (error as Error).message;
      }
      throw new Error(`${text} was accepted`);
    };
    expect(refusal("ftp://example.org/x")).toBe(
      "cannot download ftp://example.org/x: only http and https URLs can be uploaded (not ftp)",
    );
    expect(refusal("file:///etc/passwd")).toMatch(/only http and https/);
    expect(refusal("not a url")).toBe('"not a url" is not a URL');
    const secret = refusal("https://me:hunter2@example.org/x");
    expect(secret).toMatch(/URLs with a user name or password are refused/);
    expect(secret).not.toContain("hunter2");
    expect(refusal(`https://example.org/${"a".repeat(5000)}`)).toMatch(/longer than 4096/);
  });

  it("name hosts on this machine or a private network, in every spelling the URL parser accepts", () => {
    expect(problem("http://localhost:8080/x")).toBe("localhost is this machine");
    expect(problem("http://api.localhost/x")).toBe("api.localhost is this machine");
    expect(problem("http://intranet/x")).toMatch(/local network name/);
    expect(problem("http://127.0.0.1/x")).toBe("the host is a loopback address");
    expect(problem("http://2130706433/x")).toBe("the host is a loopback address");
    expect(problem("http://0x7f.1/x")).toBe("the host is a loopback address");
    expect(problem("http://10.1.2.3/x")).toBe("the host is a private address");
    expect(problem("http://172.31.0.1/x")).toBe("the host is a private address");
    expect(problem("http://192.168.1.1/x")).toBe("the host is a private address");
    expect(problem("http://169.254.169.254/latest/meta-data")).toBe("the host is a link-local address");
    expect(problem("http://100.100.1.1/x")).toMatch(/shared/);
    expect(problem("http://0.0.0.0/x")).toBe("the host is a reserved address");
    expect(problem("http://224.0.0.1/x")).toBe("the host is a multicast address");
    expect(problem("http://255.255.255.255/x")).toBe("the host is a reserved address");
    expect(problem("http://[::1]/x")).toBe("the host is a loopback address");
    expect(problem("http://[::]/x")).toBe("the host is a reserved address");
    expect(problem("http://[::ffff:127.0.0.1]/x")).toBe("the host is a loopback address");
    expect(problem("http://[::ffff:a9fe:a9fe]/x")).toBe("the host is a link-local address");
    expect(problem("http://[64:ff9b::10.0.0.1]/x")).toBe("the host is a private address");
    expect(problem("http://[fd00::1]/x")).toMatch(/unique local/);
    expect(problem("http://[fe80::1]/x")).toMatch(/link-local/);
    expect(problem("http://[ff02::1]/x")).toMatch(/multicast/);
  });

  it("let public hosts through", () => {
    for (const url of [
      "https://example.org/x",
      "http://8.8.8.8/x",
      "http://172.32.0.1/x",
      "http://192.169.0.1/x",
      "http://[2606:4700::1111]/x",
      "https://localhost.example.org/x",
    ]) {
      expect(problem(url)).toBeNull();
    }
  });
});
