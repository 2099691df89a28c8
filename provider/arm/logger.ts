import { createClientLogger } from "@azure/logger";

/**
 * The lookup's log, through `@azure/logger` like every Azure SDK client: `AZURE_LOG_LEVEL=info` (or
 * `verbose`) shows retries, waits and token acquisitions on stderr, as does `DEBUG=azure:gallery-lookup:*`.
 * Lines name the gallery, the status and the wait; they never carry a token, a secret or a header value.
 */
export const logger = createClientLogger("gallery-lookup");
