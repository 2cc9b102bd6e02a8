import { CognixError } from "../util/errors.ts";

/** An image reference, split the way Docker splits it. */
export interface ImageReference {
  /** Registry as written (docker.io for Docker Hub), used for credentials. */
  domain: string;
  /** Host (and port) the API is served on. */
  apiHost: string;
  /** Repository path inside the registry, e.g. library/ubuntu. */
  name: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = "docker.io";
const DOCKER_HUB_API = "registry-1.docker.io";
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\[[0-9a-fA-F:]+\](?::[0-9]+)?$/;

function bad(ref: string, why: string): CognixError {
  return new CognixError({ message: `invalid image reference "${ref}": ${why}` });
}

/**
 * Parses `[domain/]path[:tag][@digest]`. The first component is a domain when
 * it has a dot or a port or is `localhost`; otherwise the image is on Docker
 * Hub, where one-component names live under `library/`.
 */
export function parseReference(ref: string): ImageReference {
  if (ref === "" || ref.trim() !== ref) throw bad(ref, "empty or surrounded by spaces");
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(ref, `digest "${digest}" is not sha256:<64 hex digits>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(ref, `tag "${tag}" must be 1-128 of [A-Za-z0-9_.-], not starting with . or -`);
  }
  const parts = rest.split("/");
  let domain = DOCKER_HUB;
  const first = parts[0] ?? "";
  if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost")) {
    domain = first;
    parts.shift();
    if (!DOMAIN.test(domain)) throw bad(ref, `registry host "${domain}" is not a valid host[:port]`);
  }
  if (domain === "index.docker.io" || domain === DOCKER_HUB_API) domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  for (const part of parts) {
    if (!COMPONENT.test(part)) {
      throw bad(ref, `repository component "${part}" must be lowercase letters, digits and single separators (. _ __ -)`);
    }
  }
  const name = parts.join("/");
  if (name.length > 255) throw bad(ref, "repository name is longer than 255 characters");
  const apiHost = domain === DOCKER_HUB ? DOCKER_HUB_API : domain;
  if (tag === undefined && digest === undefined) tag = "latest";
  const out: ImageReference = { domain, apiHost, name };
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** `domain/name:tag@digest`, leaving out what is absent. */
export function formatReference(r: ImageReference): string {
  let s = `${r.domain}/${r.name}`;
  if (r.tag !== undefined) s += `:${r.tag}`;
  if (r.digest !== undefined) s += `@${r.digest}`;
  return s;
}

/** True for hosts that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/:[0-9]+$/, "").replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
