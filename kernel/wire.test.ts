import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decode, encode, ReplayGuard, Signer } from "./wire.js";

const KEY = "a0436f6c-1916-498b-8eb9-e81ab9368e84";
const signer = new Signer(KEY, "hmac-sha256");

function frames(content: Record<string, unknown>, sign: (parts: Buffer[]) => string = (p) => signer.sign(p)): Buffer[] {
  const header = { msg_id: "m1", msg_type: "execute_request", session: "s1", username: "u", date: "", version: "5.3" };
  const parts = [header, {}, {}, content].map((p) => Buffer.from(JSON.stringify(p)));
  return [Buffer.from("client-id"), Buffer.from("<IDS|MSG>"), Buffer.from(sign(parts)), ...parts];
}

describe("wire format", () => {
  it("signs with HMAC-SHA256 over header, parent, metadata and content, as jupyter_client does", () => {
    const parts = ["{}", "{}", "{}", '{"a":1}'].map((s) => Buffer.from(s));
    const expected = createHmac("sha256", KEY).update(Buffer.concat(parts)).digest("hex");
    expect(signer.sign(parts)).toBe(expected);
  });

  it("decodes a signed message with its routing identity", () => {
    const decoded = decode(frames({ code: "1+1" }), signer);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.message.identities.map(String)).toEqual(["client-id"]);
    expect(decoded.message.content).toEqual({ code: "1+1" });
  });

  it("rejects a bad signature, a missing delimiter, missing frames and bad JSON, with reasons", () => {
    expect(decode(frames({ code: "evil" }, () => "0".repeat(64)), signer)).toEqual({ ok: false, reason: "bad HMAC signature" });
    expect(decode(frames({}, () => "short"), signer)).toEqual({ ok: false, reason: "bad HMAC signature" });
    expect(decode([Buffer.from("x")], signer)).toMatchObject({ ok: false, reason: "no <IDS|MSG> delimiter" });
    expect(decode([Buffer.from("<IDS|MSG>"), Buffer.from("sig")], signer)).toMatchObject({ ok: false, reason: expect.stringContaining("need at least 5") });
    const garbage = [Buffer.from("<IDS|MSG>"), Buffer.from(""), Buffer.from("{"), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
    const unsigned = new Signer("", "hmac-sha256");
    expect(decode(garbage, unsigned)).toMatchObject({ ok: false, reason: expect.stringContaining("invalid JSON") });
    const noType = [Buffer.from("<IDS|MSG>"), Buffer.from(""), Buffer.from('{"msg_id":"x"}'), Buffer.from("{}"), Buffer.from("{}"), Buffer.from("{}")];
    expect(decode(noType, unsigned)).toMatchObject({ ok: false, reason: expect.stringContaining('"msg_type" must be a string') });
  });

  it("encodes replies that decode back, addressed to the request's sender", () => {
    const request = decode(frames({ code: "1" }), signer);
    if (!request.ok) throw new Error(request.reason);
    const reply = encode({ msgType: "execute_reply", content: { status: "ok" }, parent: request.message }, signer, "kernel-session");
    const back = decode(reply, signer);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.message.identities.map(String)).toEqual(["client-id"]);
    expect(back.message.parent_header.msg_id).toBe("m1");
    expect(back.message.header).toMatchObject({ msg_type: "execute_reply", session: "kernel-session", version: "5.3" });
  });

  it("refuses a replayed message once its signature was seen, and forgets the oldest signatures when full", () => {
    const guard = new ReplayGuard(4);
    const first = frames({ code: "1" });
    expect(decode(first, signer, guard).ok).toBe(true);
    expect(decode(first, signer, guard)).toEqual({ ok: false, reason: "replayed message (its signature was seen before)" });
    // A bad signature is refused as such and not remembered.
    expect(decode(frames({ code: "x" }, () => "0".repeat(64)), signer, guard)).toEqual({ ok: false, reason: "bad HMAC signature" });
    for (const code of ["2", "3", "4", "5"]) expect(decode(frames({ code }), signer, guard).ok).toBe(true);
    expect(decode(first, signer, guard).ok).toBe(true);
    expect(decode(frames({ code: "5" }), signer, guard).ok).toBe(false);
  });
});
