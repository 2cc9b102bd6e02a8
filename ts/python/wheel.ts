/** The parts of a wheel file name (PEP 427): `name-version(-build)?-python-abi-platform.whl`. */
export interface WheelName {
  /** As the file name spells it (`_` for `-`). */
  name: string;
  version: string;
}

const WHEEL = /^([^-]+)-([^-]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/i;

/** Reads the last path segment of a URL or path as a wheel file name; null when it is not one. */
export function wheelName(urlOrPath: string): WheelName | null {
  const last = urlOrPath.replace(/[?#].*$/, "").split("/").pop() ?? "";
  let file: string;
  try {
    file = decodeURIComponent(last);
  } catch {
    return null;
  }
  const m = WHEEL.exec(file);
  return m === null ? null : { name: m[1]!, version: m[2]! };
}
