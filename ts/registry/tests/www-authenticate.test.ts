import { describe, expect, it } from "vitest";
import { parseChallenge } from "../www-authenticate.ts";

describe("parseChallenge", () => {
  it("reads a Bearer challenge with quoted params", () => {
    expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:a/b:pull,push" },
    });
  });
  it("reads Basic, case-insensitively, with bare and escaped values", () => {
    expect(parseChallenge('basic realm="say \\"hi\\"", charset=UTF-8')).toEqual({ scheme: "basic", params: { realm: 'say "hi"', charset: "UTF-8" } });
  });
  it("skips an unsupported scheme before a supported one", () => {
    expect(parseChallenge('Negotiate, Basic realm="r"')).toEqual({ scheme: "basic", params: { realm: "r" } });
  });
  it("takes the first of two challenges", () => {
    expect(parseChallenge('Bearer realm="a", Basic realm="b"')).toEqual({ scheme: "bearer", params: { realm: "a" } });
  });
  it("returns undefined for nothing usable", () => {
    expect(parseChallenge("")).toBeUndefined();
    expect(parseChallenge('Negotiate realm="x"')).toBeUndefined();
  });
});
