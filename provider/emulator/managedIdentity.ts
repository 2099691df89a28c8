// App Service's managed identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER), api-version 2019-08-01:
// the system identity, or the one user-assigned identity asked for by client_id, as App Service answers.
import { jsonResponse, type EmulatorResponse, type ParsedRequest } from "./http";

/** The identities assigned to the emulated App Service. */
export interface AssignedIdentities {
  systemIdentityClientId: string;
  userIdentityClientId: string;
}

/** Answers one token request; `issueToken` records the grant and mints the token. */
export function managedIdentity(
  req: ParsedRequest,
  identityHeader: string,
  ids: AssignedIdentities,
  issueToken: (clientId: string, grant: "managed_identity") => { token: string; expiresIn: number },
): EmulatorResponse {
  const header = req.headers["x-identity-header"];
  if (header !== identityHeader) {
    return jsonResponse(401, {
      statusCode: 401,
      message: "Unauthorized: the X-IDENTITY-HEADER is missing or wrong.",
    });
  }
  if (req.query["api-version"] !== "2019-08-01" || !req.query.resource) {
    return jsonResponse(400, {
      statusCode: 400,
      message: "api-version 2019-08-01 and resource are required.",
    });
  }
  const requested = req.query.client_id ?? req.query.clientid;
  let clientId: string = ids.systemIdentityClientId;
  if (requested !== undefined && requested !== "") {
    if (requested.toLowerCase() !== ids.userIdentityClientId) {
      return jsonResponse(400, {
        statusCode: 400,
        message: "No user-assigned identity with this client id is assigned to this resource.",
      });
    }
    clientId = ids.userIdentityClientId;
  } else if (req.query.mi_res_id !== undefined || req.query.principal_id !== undefined) {
    return jsonResponse(400, {
      statusCode: 400,
      message: "Only client_id identifies a user-assigned identity here.",
    });
  }
  const { token, expiresIn } = issueToken(clientId, "managed_identity");
  return jsonResponse(200, {
    access_token: token,
    expires_on: String(Math.floor(Date.now() / 1000) + expiresIn),
    resource: req.query.resource,
    token_type: "Bearer",
    client_id: clientId,
  });
}
