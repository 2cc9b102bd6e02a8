/** Package URL of a Python distribution: PyPI names are lowercase with `-` for `_` (purl-spec, pypi type). */
export function pypiPurl(name: string, version: string): string {
  const n = name.toLowerCase().replace(/[-_.]+/g, "-");
  return `pkg:pypi/${encodeURIComponent(n)}@${encodeURIComponent(version)}`;
}

export function githubPurl(owner: string, repo: string, rev: string): string {
  return `pkg:github/${owner.toLowerCase()}/${repo.toLowerCase()}@${rev}`;
}
