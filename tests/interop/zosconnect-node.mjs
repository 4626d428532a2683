// Drives zconnect's admin API with IBM's own client library,
// @zosconnect/zosconnect-node, through the life of one API requester: list,
// install (deploy) an archive, show it, stop, start, update, stop, delete,
// list again. Prints one JSON object with what the library returned at each
// step, for tests/tests/interop_zosconnect_node.rs to check.
//
// Environment: ZCONNECT_URL (http://127.0.0.1:port), ZCONNECT_USER,
// ZCONNECT_PASSWORD (no ':' in it, because the library splits `auth` there),
// ARCHIVE_V1 and ARCHIVE_V2 (paths of two .ara files for the same requester).
// Exits 1 after printing {"error": ...} when a step fails.

import { readFileSync } from "node:fs";
import zosconnect from "@zosconnect/zosconnect-node";

const { ZosConnect } = zosconnect;

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`the environment variable ${name} is not set`);
  }
  return value;
}

/** Returns the fields the library exposes on an ApiRequester object. */
function describe(requester) {
  return {
    name: requester.getName(),
    version: requester.getVersion(),
    description: requester.getDescription(),
    connection: requester.getConnection(),
    status: requester.getStatus(),
  };
}

async function main() {
  const server = new ZosConnect(required("ZCONNECT_URL"), {
    auth: `${required("ZCONNECT_USER")}:${required("ZCONNECT_PASSWORD")}`,
    timeout: 10000,
    retry: 0,
  });
  const firstArchive = readFileSync(required("ARCHIVE_V1"));
  const secondArchive = readFileSync(required("ARCHIVE_V2"));
  const steps = {};

  steps.listBefore = (await server.getApiRequesters()).map(describe);

  const created = await server.createApiRequester(firstArchive);
  steps.created = describe(created);

  steps.shown = describe(await server.getApiRequester(created.getName()));

  // stop(), start(), update() and delete() run on the object that
  // createApiRequester returned, as a user of the library would write it.
  await created.stop();
  steps.afterStop = describe(created);

  await created.start();
  steps.afterStart = describe(created);

  await created.update(secondArchive);
  steps.afterUpdate = describe(created);

  await created.stop();
  await created.delete();
  steps.listAfterDelete = (await server.getApiRequesters()).map(describe);

  try {
    await server.getApiRequester(created.getName());
    steps.shownAfterDelete = { statusCode: 200 };
  } catch (error) {
    steps.shownAfterDelete = { statusCode: error.response?.statusCode ?? null };
  }

  process.stdout.write(`${JSON.stringify(steps)}\n`);
}

main().catch((error) => {
  const response = error.response;
  process.stdout.write(
    `${JSON.stringify({
      error: String(error.message ?? error),
      statusCode: response?.statusCode ?? null,
      url: response?.url ?? null,
      body: response?.body ?? null,
    })}\n`,
  );
  process.exit(1);
});
