# What a consumer changes from their own flake: force a label, add a system
# package, swap the python, change env and the entrypoint, ignore more files.
let
  h = import ../harness.nix { };
  inherit (h) lib stub;
  myPython = stub.runCommand "my-python" { } "mkdir -p $out/bin";
  c = (h.evalStub {
    src = h.examples + "/minimal";
    modules = [
      ({ lib, ... }: {
        image.labels."run.cog.version" = lib.mkForce "0.16.8";
        image.labels."org.example.team" = "vision";
        image.systemPackages = [ stub.hello ];
        image.env.GREETING = lib.mkForce "bonjour";
        image.env.EXTRA = "1";
        image.cmd = [ "python" "-m" "cog.server.http" "--x-mode" "train" ];
        python.venv = myPython;
        cog.concurrency = 8;
        cog.ignore = [ "predict.py" ];
      })
    ];
  }).config;
in
h.scrub {
  labels = c.image.labels;
  env = c.image.config.Env;
  cmd = c.image.config.Cmd;
  # pname: the offline set's names carry the host's Debian versions.
  systemPackages = map (p: p.pname) c.image.systemPackages;
  source = builtins.attrNames (builtins.readDir c.cog.source);
  assertions = h.failedAssertions c;
}
