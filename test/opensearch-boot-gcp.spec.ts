import { describeBootScripts } from "./opensearch-boot";

// The search boot scripts (test/opensearch-boot.ts) on gcp.
describeBootScripts("gcp");
