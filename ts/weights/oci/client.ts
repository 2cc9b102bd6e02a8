import { Readable } from "node:stream";
import { RegistryClient } from "../../registry/client.ts";
import { findCredentials, primaryCredentialFile, type Credentials } from "../../registry/credentials.ts";
import { OCI_MANIFEST, type Descriptor as BlobDescriptor } from "../../registry/manifest.ts";
import { isLoopbackHost } from "../../registry/reference.ts";
import { defaultRetryPolicy } from "../../http/retry.ts";
import { CognixError } from "../../util/errors.ts";

export { OCI_MANIFEST };

export const WEIGHTS_ARTIFACT_TYPE = "application/vnd.cognix.weights.v1";
export const WEIGHTS_LAYER_TYPE = "application/vnd.cognix.weights.file.v1";
export const EMPTY_CONFIG_TYPE = "application/vnd.oci.empty.v1+json";
export const TITLE_ANNOTATION = "org.opencontainers.image.title";

/** A blob descriptor with annotations (the file name of a weights layer). */
export interface Descriptor extends BlobDescriptor {
  annotations?: Record<string, string>;
}

export interface ArtifactManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/**
 * Credentials from COGNIX_REGISTRY_USER / COGNIX_REGISTRY_PASSWORD when both
 * are set, else the registry's usual lookup (docker / containers auth files).
 */
function weightsCredentials(registry: string, repository: string, env: NodeJS.ProcessEnv): Promise<Credentials | undefined> {
  const username = env.COGNIX_REGISTRY_USER;
  const password = env.COGNIX_REGISTRY_PASSWORD;
  if (username && password) return Promise.resolve({ username, password, source: "COGNIX_REGISTRY_USER" });
  return findCredentials(registry, repository, { env });
}

/**
 * Weights as OCI artifacts in one repository: blob HEAD/upload and manifest
 * GET/PUT through the registry client (auth, retries, errors), plus the
 * content-addressed blob URLs recorded in locks.
 */
export class OciWeightsClient {
  readonly base: string;
  private readonly client: RegistryClient;

  constructor(
    readonly registry: string,
    readonly repository: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const insecure = isLoopbackHost(registry);
    this.base = `${insecure ? "http" : "https"}://${registry}`;
    this.client = new RegistryClient({
      host: registry,
      insecure,
      retry: defaultRetryPolicy,
      maxSockets: 8,
      credentials: () => weightsCredentials(registry, repository, env),
      credentialFile: primaryCredentialFile({ env }),
    });
  }

  /** Releases the client's keep-alive connections. */
  close(): void {
    this.client.close();
  }

  blobUrl(digest: string): string {
    return `${this.base}/v2/${this.repository}/blobs/${digest}`;
  }

  async blobExists(digest: string): Promise<boolean> {
    return (await this.client.blobSize(this.repository, digest)) !== undefined;
  }

  /** Monolithic upload: POST for a session, then one PUT with the bytes. */
  async uploadBlob(digest: string, size: number, body: () => Buffer | Readable): Promise<void> {
    const open = (): Readable => {
      const b = body();
      return Buffer.isBuffer(b) ? Readable.from([b]) : b;
    };
    await this.client.uploadBlob(this.repository, digest, size, open);
  }

  async getManifest(reference: string): Promise<ArtifactManifest> {
    const got = await this.client.getManifest(this.repository, reference);
    if (got === undefined) throw new CognixError({ message: `manifest ${this.repository}:${reference} not found on ${this.registry}` });
    return JSON.parse(got.body.toString("utf8")) as ArtifactManifest;
  }

  async putManifest(reference: string, bytes: Buffer): Promise<void> {
    await this.client.putManifest(this.repository, reference, OCI_MANIFEST, bytes);
  }
}
