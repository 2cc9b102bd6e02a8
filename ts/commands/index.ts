import type { CommandSpec } from "../cli/spec.ts";
import { generateCommand } from "../generate/command.ts";
import { IMAGE_GROUP } from "../image/command-specs.ts";
import { lockCommand } from "../lock/command.ts";
import { lockWeightsCommand } from "../weights/lock-command.ts";
import { pushWeightsCommand } from "../weights/push-command.ts";
import { buildCommand } from "./build.ts";
import { diffCommand } from "./diff.ts";
import { doctorCommand } from "./doctor.ts";
import { initCommand } from "./init.ts";
import { loadCommand } from "./load.ts";
import { loginCommand } from "./login.ts";
import { pushCommand } from "./push.ts";
import { pyprojectCommand } from "./pyproject.ts";
import { runCommand } from "./run.ts";
import { sbomCommand } from "./sbom.ts";
import { serveCommand } from "./serve.ts";
import { sizeCommand } from "./size.ts";

/**
 * The `cognix` commands, in the order `cognix --help` lists them. Each
 * declaration imports only the framework; what a command runs is imported
 * when it runs, so start-up stays that of Node.
 */
export const COMMANDS: readonly CommandSpec[] = [
  initCommand,
  generateCommand,
  pyprojectCommand,
  lockCommand,
  lockWeightsCommand,
  buildCommand,
  loadCommand,
  runCommand,
  serveCommand,
  pushCommand,
  loginCommand,
  pushWeightsCommand,
  sbomCommand,
  sizeCommand,
  diffCommand,
  doctorCommand,
  IMAGE_GROUP,
];
