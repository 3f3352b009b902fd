import { OpenSearchVersion } from "../../stacks/settings";

/**
 * The OpenSearch container image per supported `search.version`, pinned to a patch release so a
 * rebooted or replaced node runs what its peers run. Images come from Docker Hub, pulled once
 * per node (anonymous pulls are rate limited per egress IP; a 3-node cluster pulls 3 times).
 * Using the image (not the apt repository) also removes the signing-key change of 3.x
 * (opensearch-release.pgp vs opensearch.pgp, opensearch-build#5308): nothing is apt-installed
 * from OpenSearch's repository.
 */
export const OPENSEARCH_NODE_IMAGES: Record<OpenSearchVersion, string> = {
    "2.17": "opensearchproject/opensearch:2.17.1",
    "2.19": "opensearchproject/opensearch:2.19.2",
    "3.1": "opensearchproject/opensearch:3.1.0",
};
