/**
 * Whether a registry host (host[:port]) is this machine: Docker talks plain
 * HTTP to those without being told (127.0.0.0/8 and ::1 are insecure
 * registries by default), and so does cognix.
 */
export function isLoopbackRegistry(host: string): boolean {
  const bare = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
