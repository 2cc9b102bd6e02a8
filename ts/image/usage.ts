/** `cognix image` usage: kept apart from the commands so that printing it loads none of them. */
export const USAGE = `usage: cognix image <command> [options]

  build-spec --graph GRAPH.json --config CONFIG.json [--root ROOT.json] [--max-layers N]
             [--own-layer PATH]... [--created RFC3339] [--arch amd64] [--name N] [--tag T] [--bom BOM.json] --out SPEC.json
  plan       (same options as build-spec; --out optional) plan layers without reading file content
  digest     --spec PLAN.json --out SPEC.json     tar and digest the layers of a planned spec
  load       --spec SPEC.json [-o FILE] [--tag NAME:TAG]   docker-archive (stdout unless -o)
  oci        --spec SPEC.json [DIR] [--archive FILE] [--tag REF]   OCI layout and/or OCI archive
  push       --spec SPEC.json REF [--insecure] [--compression gzip|zstd] [--jobs N]
  inspect    --spec SPEC.json
  sbom       --spec SPEC.json [--format cyclonedx|spdx] [-o FILE] [--stored DIR]   the image's SBOM

All commands accept --json for machine-readable output.
`;
