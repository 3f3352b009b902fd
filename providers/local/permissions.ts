/**
 * What the local target needs: Docker has no identities, only access to the engine. Kept in the
 * same shape as the clouds' tables (test/permissions.spec.ts checks every type has a row).
 */
export const DEPLOY_ROLES: Record<string, string> = {
    "Docker engine": "access to the Docker engine's socket (or anycloud:local.dockerHost): creates networks, volumes, images and containers",
};

export const READ_ROLES: Record<string, string> = {
    "Docker engine": "the same access: the engine has no read-only mode",
};

export const RESOURCE_ROLES: Record<string, keyof typeof DEPLOY_ROLES> = {
    "docker:index/network:Network": "Docker engine",
    "docker:index/volume:Volume": "Docker engine",
    "docker:index/container:Container": "Docker engine",
    "docker:index/remoteImage:RemoteImage": "Docker engine",
    "docker:index/image:Image": "Docker engine",
};

export const INVOKE_ACTIONS: Record<string, string> = {};
