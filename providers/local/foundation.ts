import { ChildOptions, FoundationArgs, FoundationOutputs } from "../../components/backend";

/** Docker needs no prerequisites, and the stack shares nothing beyond its networks. */
export function createFoundation(_args: FoundationArgs, _opts: ChildOptions): FoundationOutputs {
    return { prerequisites: [] };
}
