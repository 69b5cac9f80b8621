// Toy extension grants registered with provider.registerGrantType():
//
//   urn:ietf:params:oauth:grant-type:token-exchange  (RFC 8693)
//   urn:ietf:params:oauth:grant-type:saml2-bearer    (RFC 7522, toy XML format)
//   password                                         (RFC 6749 section 4.3)
//   urn:ietf:params:oauth:grant-type:jwt-bearer      (RFC 7523 section 2.1)
//
// They are deliberately small: enough to exercise a client library, not a reference
// implementation. See README.md for the exact accepted inputs.

import { importJWK, jwtVerify } from 'jose';
import { errors } from 'oidc-provider';
// Internal helpers of the pinned oidc-provider version, reused so that the toy grants
// support DPoP exactly like the built-in ones (same nonce handling, replay checks).
import validateDpop, { checkDpopReplay } from 'oidc-provider/lib/helpers/validate_dpop.js';

import { jwtBearerConfig, saml2BearerConfig, users } from './settings.mjs';
import { findActiveToken } from './tokens.mjs';

export const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const GRANT_SAML2_BEARER = 'urn:ietf:params:oauth:grant-type:saml2-bearer';
export const GRANT_PASSWORD = 'password';
export const GRANT_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const TOKEN_TYPE_ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

function describe(error, description) {
  error.error_description = description;
  return error;
}

const invalidGrant = (description) => describe(new errors.InvalidGrant(), description);
const invalidRequest = (description) => new errors.InvalidRequest(description);

function required(ctx, ...names) {
  for (const name of names) {
    const value = ctx.oidc.params[name];
    if (typeof value !== 'string' || value === '') {
      throw invalidRequest(`missing required parameter '${name}'`);
    }
  }
}

function knownUser(id) {
  return typeof id === 'string' && Object.hasOwn(users, id);
}

/**
 * Creates the token(s) for a toy grant and writes the token response.
 *
 * With an accountId a fresh Grant is recorded (so userinfo, introspection and
 * revocation behave as for the built-in grants) and an AccessToken is issued;
 * without one a client-only ClientCredentials token is issued.
 */
async function respondWithTokens({ provider, resourceServerInfo }, ctx, {
  accountId,
  scope,
  gty,
  extra,
  refreshToken: wantRefreshToken = false,
  resource = ctx.oidc.params.resource,
  issuedTokenType = false,
}) {
  const { client } = ctx.oidc;

  const dPoP = await validateDpop(provider, ctx);
  if (!dPoP && client.dpopBoundAccessTokens) {
    throw invalidGrant('DPoP proof JWT not provided');
  }

  const requested = [...new Set((scope ?? '').split(' ').filter(Boolean))];

  let resourceServer;
  if (resource !== undefined) {
    if (Array.isArray(resource)) {
      throw describe(new errors.InvalidTarget(), 'only a single resource indicator is supported');
    }
    const info = await resourceServerInfo(ctx, resource, client);
    resourceServer = new provider.ResourceServer(resource, info);
  }
  const tokenScopes = resourceServer
    ? requested.filter((value) => resourceServer.scopes.has(value))
    : requested;
  const tokenScope = tokenScopes.join(' ') || undefined;

  let token;
  let grantId;
  if (accountId) {
    const grant = new provider.Grant({ clientId: client.clientId, accountId });
    if (requested.length) {
      grant.addOIDCScope(requested.join(' '));
    }
    if (resourceServer && tokenScope) {
      grant.addResourceScope(resource, tokenScope);
    }
    grantId = await grant.save();
    token = new provider.AccessToken({
      accountId, client, grantId, gty, scope: tokenScope, extra,
    });
  } else {
    token = new provider.ClientCredentials({ client, scope: tokenScope, extra });
  }
  if (resourceServer) {
    token.resourceServer = resourceServer;
  }
  if (dPoP) {
    await checkDpopReplay(provider, ctx, dPoP, client.clientId, errors.InvalidGrant);
    token.setThumbprint('jkt', dPoP.thumbprint);
  }

  const accessToken = await token.save();

  let refreshToken;
  if (wantRefreshToken && accountId && client.grantTypeAllowed('refresh_token')) {
    const rt = new provider.RefreshToken({
      accountId,
      client,
      grantId,
      gty,
      scope: requested.join(' ') || undefined,
      resource: resourceServer ? resource : undefined,
      authTime: Math.floor(Date.now() / 1000),
    });
    if (dPoP && client.clientAuthMethod === 'none') {
      rt.jkt = dPoP.thumbprint;
    }
    refreshToken = await rt.save();
  }

  ctx.body = Object.fromEntries(Object.entries({
    access_token: accessToken,
    issued_token_type: issuedTokenType ? TOKEN_TYPE_ACCESS_TOKEN : undefined,
    token_type: token.tokenType,
    expires_in: token.expiration,
    refresh_token: refreshToken,
    scope: tokenScope,
  }).filter(([, value]) => value !== undefined));
}

function validateScopeSyntax(ctx, allowed) {
  const { scope } = ctx.oidc.params;
  if (scope === undefined) {
    return undefined;
  }
  for (const value of scope.split(' ').filter(Boolean)) {
    if (!allowed.has(value)) {
      throw new errors.InvalidScope(`requested scope is not allowed: ${value}`, value);
    }
  }
  return scope;
}

// ---------------------------------------------------------------------------------------
// Token exchange (RFC 8693)

function tokenExchange(env) {
  const { provider, allowedScopes } = env;
  return async function tokenExchangeHandler(ctx) {
    required(ctx, 'subject_token', 'subject_token_type');
    const {
      subject_token: subjectTokenValue,
      subject_token_type: subjectTokenType,
      actor_token: actorTokenValue,
      actor_token_type: actorTokenType,
      requested_token_type: requestedTokenType,
      audience,
    } = ctx.oidc.params;

    if (subjectTokenType !== TOKEN_TYPE_ACCESS_TOKEN) {
      throw invalidRequest(`unsupported subject_token_type, only ${TOKEN_TYPE_ACCESS_TOKEN} is accepted`);
    }
    if (requestedTokenType !== undefined && requestedTokenType !== TOKEN_TYPE_ACCESS_TOKEN) {
      throw invalidRequest(`unsupported requested_token_type, only ${TOKEN_TYPE_ACCESS_TOKEN} can be issued`);
    }
    if (actorTokenValue !== undefined && actorTokenType === undefined) {
      throw invalidRequest("missing required parameter 'actor_token_type'");
    }
    if (actorTokenType !== undefined && actorTokenValue === undefined) {
      throw invalidRequest("'actor_token_type' must not be sent without 'actor_token'");
    }
    if (actorTokenType !== undefined && actorTokenType !== TOKEN_TYPE_ACCESS_TOKEN) {
      throw invalidRequest(`unsupported actor_token_type, only ${TOKEN_TYPE_ACCESS_TOKEN} is accepted`);
    }

    const subject = await findActiveToken(provider, subjectTokenValue);
    if (!subject) {
      throw invalidGrant('subject_token is not an active access token of this authorization server');
    }

    let act;
    if (actorTokenValue !== undefined) {
      const actor = await findActiveToken(provider, actorTokenValue);
      if (!actor) {
        throw invalidGrant('actor_token is not an active access token of this authorization server');
      }
      act = actor.accountId ? { sub: actor.accountId } : { sub: actor.clientId, client_id: actor.clientId };
    }

    let scope = validateScopeSyntax(ctx, allowedScopes);
    if (scope === undefined) {
      scope = subject.scope;
    } else {
      const available = subject.scopes;
      const missing = scope.split(' ').filter((value) => value && !available.has(value));
      if (missing.length) {
        throw new errors.InvalidScope(`subject_token does not carry the requested scope: ${missing.join(' ')}`, missing.join(' '));
      }
    }

    let { resource } = ctx.oidc.params;
    if (audience !== undefined) {
      if (Array.isArray(audience)) {
        throw describe(new errors.InvalidTarget(), 'only a single audience is supported');
      }
      if (resource !== undefined && resource !== audience) {
        throw describe(new errors.InvalidTarget(), 'audience and resource must not differ');
      }
      resource = audience;
    }

    await respondWithTokens(env, ctx, {
      accountId: subject.accountId,
      scope,
      resource,
      gty: 'token_exchange',
      extra: act ? { act } : undefined,
      issuedTokenType: true,
    });
  };
}

// ---------------------------------------------------------------------------------------
// SAML 2.0 bearer assertion (RFC 7522), toy format

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const ASSERTION = /^\s*<Assertion>([\s\S]*)<\/Assertion>\s*$/;
const CHILD = /\s*<([A-Za-z]+)>([^<>]*)<\/\1>\s*/y;
const KNOWN_CHILDREN = new Set(['Issuer', 'Subject', 'NotOnOrAfter', 'Audience']);

export function parseToyAssertion(xml) {
  const outer = ASSERTION.exec(xml);
  if (!outer) {
    return undefined;
  }
  const children = {};
  const body = outer[1];
  CHILD.lastIndex = 0;
  while (CHILD.lastIndex < body.length) {
    const start = CHILD.lastIndex;
    const match = CHILD.exec(body);
    if (!match) {
      if (/^\s*$/.test(body.slice(start))) {
        break;
      }
      return undefined;
    }
    const [, name, value] = match;
    if (!KNOWN_CHILDREN.has(name) || Object.hasOwn(children, name)) {
      return undefined;
    }
    children[name] = value.trim();
  }
  return children;
}

function saml2Bearer(env) {
  const { provider, allowedScopes } = env;
  return async function saml2BearerHandler(ctx) {
    required(ctx, 'assertion');
    const { assertion } = ctx.oidc.params;
    const scope = validateScopeSyntax(ctx, allowedScopes);

    if (!BASE64URL.test(assertion)) {
      throw invalidGrant('assertion is not base64url encoded');
    }
    const xml = Buffer.from(assertion, 'base64url').toString('utf8');
    const parsed = parseToyAssertion(xml);
    if (!parsed) {
      throw invalidGrant('assertion is not a well-formed toy SAML assertion');
    }
    if (parsed.Issuer !== saml2BearerConfig.trusted_issuer) {
      throw invalidGrant('assertion issuer is not trusted');
    }
    if (!knownUser(parsed.Subject)) {
      throw invalidGrant('assertion subject is unknown');
    }
    if (parsed.NotOnOrAfter !== undefined) {
      const notOnOrAfter = Date.parse(parsed.NotOnOrAfter);
      if (Number.isNaN(notOnOrAfter)) {
        throw invalidGrant('assertion NotOnOrAfter is not a valid timestamp');
      }
      if (Date.now() >= notOnOrAfter) {
        throw invalidGrant('assertion is expired');
      }
    }
    if (parsed.Audience !== undefined) {
      const accepted = [provider.issuer, ctx.oidc.urlFor('token')];
      if (!accepted.includes(parsed.Audience)) {
        throw invalidGrant('assertion audience does not identify this authorization server');
      }
    }

    await respondWithTokens(env, ctx, {
      accountId: parsed.Subject,
      scope,
      gty: 'saml2_bearer',
    });
  };
}

// ---------------------------------------------------------------------------------------
// Resource owner password credentials

function password(env) {
  const { provider, allowedScopes } = env;
  return async function passwordHandler(ctx) {
    required(ctx, 'username', 'password');
    const { username, password: secret } = ctx.oidc.params;
    const scope = validateScopeSyntax(ctx, allowedScopes);

    if (!knownUser(username) || users[username].password !== secret) {
      throw invalidGrant('invalid resource owner credentials');
    }

    await respondWithTokens(env, ctx, {
      accountId: username,
      scope,
      gty: 'password',
      refreshToken: true,
    });
  };
}

// ---------------------------------------------------------------------------------------
// JWT bearer assertion as an authorization grant (RFC 7523 section 2.1)

function jwtBearer(env) {
  const { provider, allowedScopes } = env;
  const { alg } = jwtBearerConfig.publicJwk;
  const key = importJWK(jwtBearerConfig.publicJwk, alg);

  return async function jwtBearerHandler(ctx) {
    required(ctx, 'assertion');
    const { assertion } = ctx.oidc.params;
    const scope = validateScopeSyntax(ctx, allowedScopes);

    let payload;
    try {
      ({ payload } = await jwtVerify(assertion, await key, {
        algorithms: [alg],
        issuer: jwtBearerConfig.issuer,
        audience: [provider.issuer, ctx.oidc.urlFor('token')],
        requiredClaims: ['sub', 'exp'],
        clockTolerance: 5,
      }));
    } catch (cause) {
      throw invalidGrant(`assertion is invalid: ${cause.message}`);
    }

    if (!knownUser(payload.sub)) {
      throw invalidGrant('assertion subject is unknown');
    }
    if (payload.jti !== undefined) {
      if (typeof payload.jti !== 'string' || !payload.jti) {
        throw invalidGrant('assertion jti must be a non-empty string');
      }
      const unique = await provider.ReplayDetection.unique(payload.iss, payload.jti, payload.exp);
      if (!unique) {
        throw invalidGrant('assertion jti has already been used');
      }
    }

    await respondWithTokens(env, ctx, {
      accountId: payload.sub,
      scope,
      gty: 'jwt_bearer',
    });
  };
}

/**
 * @param provider the oidc-provider instance
 * @param allowedScopes Set of scope values the toy grants accept
 * @param resourceServerInfo the same function as features.resourceIndicators.getResourceServerInfo
 */
export function registerToyGrants(provider, { allowedScopes, resourceServerInfo }) {
  const env = { provider, allowedScopes, resourceServerInfo };

  const withResource = (params) => new Set([...params, 'resource']);
  const dupes = new Set(['resource']);

  provider.registerGrantType(
    GRANT_TOKEN_EXCHANGE,
    tokenExchange(env),
    withResource([
      'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type',
      'requested_token_type', 'audience', 'scope',
    ]),
    dupes,
  );
  provider.registerGrantType(
    GRANT_SAML2_BEARER,
    saml2Bearer(env),
    withResource(['assertion', 'scope']),
    dupes,
  );
  provider.registerGrantType(
    GRANT_PASSWORD,
    password(env),
    withResource(['username', 'password', 'scope']),
    dupes,
  );
  provider.registerGrantType(
    GRANT_JWT_BEARER,
    jwtBearer(env),
    withResource(['assertion', 'scope']),
    dupes,
  );
}
