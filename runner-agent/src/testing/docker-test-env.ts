/**
 * Test support for the Docker integration tests: finds a Docker daemon (DOCKER_HOST or the
 * default socket) and makes the tiny local test images from the machine's busybox-static, since
 * no registry is reachable. Returns a reason instead when something is missing, so the tests can
 * skip and say why.
 */
import { busyboxMissing, connectDocker, type DockerConnection, ensureBusyboxImage } from "../runtime/local-image.ts";

export const TEST_IMAGE = "codalab/busybox:local";
export const TEST_IMAGE_NO_BASH = "codalab/busybox-nobash:local";

export type DockerTestEnv = DockerConnection;

export async function dockerTestEnv(): Promise<DockerTestEnv> {
  const connection = await connectDocker();
  if (!connection.ok) return connection;
  const missing = await busyboxMissing();
  if (missing !== null) return { ok: false, reason: `${missing} to build the test images` };
  try {
    // These names are the tests' own: whatever holds them is replaced.
    await ensureBusyboxImage(connection.docker, TEST_IMAGE, { withBash: true, replace: true });
    await ensureBusyboxImage(connection.docker, TEST_IMAGE_NO_BASH, { withBash: false, replace: true });
  } catch (error) {
    return {
      ok: false,
      reason: `cannot build the test images: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return connection;
}
