import { describe, expect, it } from "vitest";
import { checkConfig, createConfigStore, DEFAULT_ADDRESS, defaultAddressOf, parseConfig } from "./client-config.ts";
import { createMemoryDocument } from "./json-document.ts";

describe("client config", () => {
  it("starts from the default alias and address when there is no file", async () => {
    const config = await createConfigStore(createMemoryDocument("config.json")).load();
    expect(config.aliases).toEqual({ localhost: "http://localhost:8787" });
    expect(defaultAddressOf(config)).toBe(DEFAULT_ADDRESS);
  });

  it("keeps sections it does not know and fills in missing ones", () => {
    const config = parseConfig({ workers: { image: "x" }, cli: { default_address: "http://h:1" } }, "config.json");
    expect(config).toEqual({
      workers: { image: "x" },
      cli: { default_address: "http://h:1" },
      aliases: { localhost: DEFAULT_ADDRESS },
    });
    expect(defaultAddressOf(config)).toBe("http://h:1");
  });

  it("keeps the user's aliases as they are, even without localhost", () => {
    expect(parseConfig({ aliases: { prod: "https://p" } }, "config.json").aliases).toEqual({ prod: "https://p" });
  });

  it.each([
    [[], "the top level should be an object"],
    [{ aliases: [] }, "aliases should be an object"],
    [{ aliases: { a: 1 } }, "aliases/a should be an address"],
    [{ cli: "verbose" }, "cli should be an object"],
  ])("refuses %j: %s", (value, problem) => {
    expect(checkConfig(value)).toEqual({ ok: false, problem });
    expect(() => parseConfig(value, "/h/config.json")).toThrow(
      `/h/config.json is not a valid CodaLab config: ${problem}`,
    );
  });

  it("falls back to the default address when default_address is empty or not text", () => {
    expect(defaultAddressOf(parseConfig({ cli: { default_address: "" } }, "c"))).toBe(DEFAULT_ADDRESS);
    expect(defaultAddressOf(parseConfig({ cli: { default_address: 3 } }, "c"))).toBe(DEFAULT_ADDRESS);
  });

  it("saves what it is given", async () => {
    const file = createMemoryDocument("config.json");
    const store = createConfigStore(file);
    const config = await store.load();
    config.aliases.prod = "https://p";
    await store.save(config);
    expect(file.value).toMatchObject({ aliases: { localhost: DEFAULT_ADDRESS, prod: "https://p" } });
  });
});
