import { describe, expect, it, vi } from "vitest";
import { ApiError } from "./api-error.ts";
import { CSRF_HEADER, createHttpClient, type FetchLike } from "./http-client.ts";

function clientAnswering(response: Response | (() => never), cookies = "codalab_csrf=tok%2Ben") {
  const fetch = vi.fn<FetchLike>(async () => (typeof response === "function" ? response() : response));
  return { fetch, client: createHttpClient({ fetch, cookies: () => cookies }) };
}

function sentInit(fetch: ReturnType<typeof vi.fn<FetchLike>>): RequestInit {
  const call = fetch.mock.calls[0];
  if (call === undefined) throw new Error("fetch was not called");
  return call[1];
}

describe("createHttpClient", () => {
  it("sends the CSRF cookie's value as a header on state-changing requests, with the body as JSON", async () => {
    const { fetch, client } = clientAnswering(Response.json({ ok: true }));
    await expect(client.request("/rest/thing", { method: "POST", body: { a: 1 } })).resolves.toEqual({ ok: true });
    const init = sentInit(fetch);
    const headers = new Headers(init.headers);
    expect(fetch.mock.calls[0]?.[0]).toBe("/rest/thing");
    expect(init).toMatchObject({ method: "POST", credentials: "same-origin", body: '{"a":1}' });
    expect(headers.get(CSRF_HEADER)).toBe("tok+en");
    expect(headers.get("Content-Type")).toBe("application/json");
  });

  it("does not send the CSRF header on reads", async () => {
    const { fetch, client } = clientAnswering(Response.json({}));
    await client.request("/rest/user");
    const init = sentInit(fetch);
    expect(init.method).toBe("GET");
    expect(init.body).toBeUndefined();
    expect(new Headers(init.headers).has(CSRF_HEADER)).toBe(false);
  });

  it("sends no CSRF header when there is no CSRF cookie", async () => {
    const { fetch, client } = clientAnswering(Response.json({}), "other=1");
    await client.request("/rest/auth/login", { method: "POST", body: {} });
    expect(new Headers(sentInit(fetch).headers).has(CSRF_HEADER)).toBe(false);
  });

  it("resolves to undefined for 204 No Content and for an empty body", async () => {
    await expect(
      clientAnswering(new Response(null, { status: 204 })).client.request("/x", { method: "DELETE" }),
    ).resolves.toBeUndefined();
    await expect(clientAnswering(new Response("", { status: 200 })).client.request("/x")).resolves.toBeUndefined();
  });

  it("rejects with a typed error parsed from the error envelope", async () => {
    const body = { error: { code: "INVALID_CREDENTIALS", message: "wrong password", requestId: "r9" } };
    const { client } = clientAnswering(Response.json(body, { status: 401 }));
    const error = await client.request("/rest/auth/login", { method: "POST" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 401,
      code: "INVALID_CREDENTIALS",
      message: "wrong password",
      requestId: "r9",
    });
  });

  it("rejects with a status-based error when an error answer is not JSON", async () => {
    const { client } = clientAnswering(
      new Response("<h1>Bad gateway</h1>", { status: 502, statusText: "Bad Gateway" }),
    );
    await expect(client.request("/x")).rejects.toMatchObject({ status: 502, code: "INTERNAL" });
  });

  it("rejects a successful answer that is not JSON as unexpected", async () => {
    const { client } = clientAnswering(new Response("<html>", { status: 200 }));
    await expect(client.request("/x")).rejects.toMatchObject({ code: "INTERNAL", message: /not JSON/ });
  });

  it("turns a failed connection into an UNAVAILABLE error with status 0", async () => {
    const { client } = clientAnswering(() => {
      throw new TypeError("Failed to fetch");
    });
    await expect(client.request("/x")).rejects.toMatchObject({ status: 0, code: "UNAVAILABLE" });
  });

  it("lets an aborted request reject with the abort itself, so callers can ignore it", async () => {
    const { client } = clientAnswering(() => {
      throw new DOMException("aborted", "AbortError");
    });
    await expect(client.request("/x")).rejects.toMatchObject({ name: "AbortError" });
  });
});
