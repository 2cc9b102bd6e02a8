import { CognixError } from "../../util/errors.ts";

/** S3's canned ACL names, as Cloud Storage's predefinedAcl calls them. */
const FROM_S3: Readonly<Record<string, string>> = {
  private: "private",
  "public-read": "publicRead",
  "authenticated-read": "authenticatedRead",
  "bucket-owner-read": "bucketOwnerRead",
  "bucket-owner-full-control": "bucketOwnerFullControl",
};
const PREDEFINED = new Set([...Object.values(FROM_S3), "projectPrivate"]);

/** `--acl` for a gs:// destination: an S3 canned ACL name or a predefinedAcl value. */
export function predefinedAcl(acl: string): string {
  const v = FROM_S3[acl] ?? acl;
  if (!PREDEFINED.has(v)) {
    throw new CognixError({ path: ["--acl"], message: `${JSON.stringify(acl)} is no Cloud Storage predefined ACL (${[...PREDEFINED].join(", ")})` }, 2);
  }
  return v;
}
