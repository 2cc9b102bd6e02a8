# What modules/weights needs from a package set beyond lib/tests/stub-pkgs.nix:
# `fetchurl` (a fixed-output derivation downloading with the host's node, so
# loopback test servers work with the sandbox off).
{ stub, node ? "/usr/bin/node" }:
let
  fetchScript = ''
    const http = require(process.env.urls.startsWith("https:") ? "https" : "http");
    const fs = require("fs");
    const urls = process.env.urls.split(" ");
    const get = (i) => {
      if (i >= urls.length) { console.error("fetchurl-stub: all URLs failed"); process.exit(1); }
      const mod = require(urls[i].startsWith("https:") ? "https" : "http");
      mod.get(urls[i], (res) => {
        if (res.statusCode !== 200) { res.resume(); console.error("fetchurl-stub: " + urls[i] + ": HTTP " + res.statusCode); return get(i + 1); }
        res.pipe(fs.createWriteStream(process.env.out)).on("finish", () => process.exit(0));
      }).on("error", (e) => { console.error("fetchurl-stub: " + urls[i] + ": " + e.message); get(i + 1); });
    };
    void http;
    get(0);
  '';
in
stub // {
  fetchurl = { urls ? [ url ], url ? builtins.head urls, sha256, name ? baseNameOf url, ... }:
    derivation {
      inherit name;
      system = stub.stdenv.hostPlatform.system;
      builder = node;
      args = [ "-e" fetchScript ];
      urls = builtins.concatStringsSep " " urls;
      outputHashMode = "flat";
      outputHashAlgo = "sha256";
      outputHash = sha256;
    };
}
