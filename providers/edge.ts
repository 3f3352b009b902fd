import { EdgeModel } from "../components/edge";
import { awsEdge } from "./aws/edge";
import { azureEdge } from "./azure/edge";
import { gcpEdge } from "./gcp/edge";
import { localEdge } from "./local/edge";

/** Every target's side of the edge table (components/edge.ts), in the README's column order. */
export const EDGE_MODELS: readonly EdgeModel[] = [localEdge, awsEdge, gcpEdge, azureEdge];
