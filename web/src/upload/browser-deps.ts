/**
 * The browser's side of an upload: parts are sent with XMLHttpRequest, whose upload progress
 * events fetch does not offer, so the bar moves while a large part is on its way.
 */
import { CodalabError, isErrorCode } from "@codalab/core/errors";
import { CSRF_COOKIE, CSRF_HEADER, http } from "../api/http-client.ts";
import { isRecord } from "../api/is-record.ts";
import { readCookie } from "../api/read-cookie.ts";
import type { UploadDeps } from "./browser-upload.ts";

function putPart(path: string, bytes: Uint8Array, onSent: (bytes: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", path);
    request.setRequestHeader("Content-Type", "application/octet-stream");
    const token = readCookie(document.cookie, CSRF_COOKIE);
    if (token) request.setRequestHeader(CSRF_HEADER, token);
    request.upload.onprogress = (event) => onSent(event.loaded);
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) return resolve();
      let body: unknown;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      const envelope = isRecord(body) && isRecord(body.error) ? body.error : undefined;
      const code =
        envelope && isErrorCode(envelope.code) ? envelope.code : request.status >= 500 ? "INTERNAL" : "BAD_REQUEST";
      const message = typeof envelope?.message === "string" ? envelope.message : `HTTP ${request.status}`;
      reject(new CodalabError(code, message));
    };
    request.onerror = () => reject(new CodalabError("UNAVAILABLE", "the connection to the server was lost"));
    request.ontimeout = () => reject(new CodalabError("GATEWAY_TIMEOUT", "the server took too long to answer"));
    // The bytes are a view into a larger buffer only for the last part; send exactly this part.
    request.send(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  });
}

async function digest(text: string): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export const browserUploadDeps: UploadDeps = {
  request: (path, options) => http.request(path, options),
  putPart,
  storage: localStorage,
  digest,
};
