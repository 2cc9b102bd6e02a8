import { describe, expect, it } from "vitest";
import { formatReference, isLoopbackHost, parseReference } from "../reference.ts";

const D = `sha256:${"ab".repeat(32)}`;

describe("parseReference", () => {
  it.each([
    ["ubuntu", { domain: "docker.io", apiHost: "registry-1.docker.io", name: "library/ubuntu", tag: "latest" }],
    ["user/model:1.0", { domain: "docker.io", apiHost: "registry-1.docker.io", name: "user/model", tag: "1.0" }],
    ["localhost:5000/foo:tag", { domain: "localhost:5000", apiHost: "localhost:5000", name: "foo", tag: "tag" }],
    ["localhost/foo", { domain: "localhost", apiHost: "localhost", name: "foo", tag: "latest" }],
    ["r8.im/user/model", { domain: "r8.im", apiHost: "r8.im", name: "user/model", tag: "latest" }],
    ["ghcr.io/a/b/c:v2", { domain: "ghcr.io", apiHost: "ghcr.io", name: "a/b/c", tag: "v2" }],
    [`127.0.0.1:5000/x@${D}`, { domain: "127.0.0.1:5000", apiHost: "127.0.0.1:5000", name: "x", digest: D }],
    [`r8.im/u/m:t@${D}`, { domain: "r8.im", apiHost: "r8.im", name: "u/m", tag: "t", digest: D }],
    ["index.docker.io/library/alpine:3", { domain: "docker.io", apiHost: "registry-1.docker.io", name: "library/alpine", tag: "3" }],
  ])("%s", (ref, want) => {
    expect(parseReference(ref)).toEqual(want);
  });

  it.each([
    ["", /empty/],
    ["Upper/case", /repository component "Upper"/],
    ["r8.im/u/m:bad tag", /tag "bad tag"/],
    ["r8.im/u/m@sha256:123", /digest/],
    ["r8.im//m", /repository component ""/],
    ["r8.im/u/m:-x", /tag "-x"/],
  ])("rejects %j", (ref, why) => {
    expect(() => parseReference(ref)).toThrow(why);
  });

  it("formats back", () => {
    expect(formatReference(parseReference("localhost:5000/foo"))).toBe("localhost:5000/foo:latest");
    expect(formatReference(parseReference("ubuntu:22.04"))).toBe("docker.io/library/ubuntu:22.04");
  });

  it("knows loopback hosts", () => {
    expect(isLoopbackHost("127.0.0.1:5000")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("[::1]:80")).toBe(true);
    expect(isLoopbackHost("r8.im")).toBe(false);
    expect(isLoopbackHost("127.example.com")).toBe(false);
  });
});
