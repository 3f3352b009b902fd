/**
 * `npm run -s edge-docs` prints the README's edge table from each target's fidelity model
 * (providers/<cloud>/edge.ts), so the README cannot drift from the code (test/edge.spec.ts).
 */
import { edgeTableMarkdown } from "../components/edge";
import { EDGE_MODELS } from "../providers/edge";

if (require.main === module) {
    console.log(edgeTableMarkdown(EDGE_MODELS));
}
