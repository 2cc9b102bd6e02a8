// The registry starter lives in ts/testkit; tests elsewhere import it through here too.
export { haveTool, REGISTRY_BIN, startRegistry, type RunningRegistry } from "../../../testkit/registry.ts";
