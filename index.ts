// Entry point for `pulumi up`: the stack config picks the cloud; see README.md.
import { runProgram } from "./stacks/program";

export = runProgram();
