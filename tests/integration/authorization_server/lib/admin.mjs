// Test-only routes under /__test__/ that stand in for end-user actions which would
// otherwise need a browser or a second device, plus a token endpoint request counter.
//
//   POST   /__test__/device/approve    {"user_code": "...", "user": "alice"}
//   POST   /__test__/device/deny       {"user_code": "..."}
//   GET    /__test__/ciba/requests     -> [{"auth_req_id", "client_id", "user", "scope", "binding_message", "status"}]
//   POST   /__test__/ciba/approve      {"auth_req_id": "..."}
//   POST   /__test__/ciba/deny         {"auth_req_id": "..."}
//   GET    /__test__/token-requests    -> {"<client_id>": <count>, ...}
//   DELETE /__test__/token-requests    (or POST /__test__/token-requests/reset) -> resets
//
// Bodies may be JSON or application/x-www-form-urlencoded.

import { errors } from 'oidc-provider';

import { json, readParams } from './http.mjs';
import { users } from './settings.mjs';

const MAX_CIBA_ENTRIES = 500;

function normalizeUserCode(input) {
  return String(input).toUpperCase().replace(/\W/g, '');
}

function asList(value) {
  if (value === undefined || value === null) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

function decodeBasicClientId(header) {
  const match = /^basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) {
    return undefined;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator === -1) {
    return undefined;
  }
  try {
    return decodeURIComponent(decoded.slice(0, separator).replace(/\+/g, '%20'));
  } catch {
    return decoded.slice(0, separator);
  }
}

function assertionClientId(assertion) {
  try {
    const payload = JSON.parse(Buffer.from(String(assertion).split('.')[1], 'base64url').toString('utf8'));
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

export function createAdmin({ provider, resourceServerInfo, allowedScopes }) {
  const tokenRequests = new Map();
  const cibaRequests = new Map();

  /** Builds and saves a Grant for `accountId` covering the scopes/resources a request asked for. */
  async function grantFor(ctx, clientId, accountId, scope, resources) {
    const client = await provider.Client.find(clientId);
    const grant = new provider.Grant({ clientId, accountId });
    const requested = String(scope ?? '').split(' ').filter((value) => allowedScopes.has(value));
    if (requested.length) {
      grant.addOIDCScope(requested.join(' '));
    }
    for (const indicator of asList(resources)) {
      const info = await resourceServerInfo(ctx, indicator, client);
      const available = new Set(String(info.scope ?? '').split(' '));
      const granted = requested.filter((value) => available.has(value));
      if (granted.length) {
        grant.addResourceScope(indicator, granted.join(' '));
      }
    }
    return { grant, grantId: await grant.save(), requested };
  }

  async function device(ctx, approve) {
    const { user_code: userCode, user = 'alice' } = await readParams(ctx);
    if (!userCode) {
      return json(ctx, 400, { error: 'invalid_request', error_description: 'user_code is required' });
    }
    const code = await provider.DeviceCode.findByUserCode(normalizeUserCode(userCode), { ignoreExpiration: true });
    if (!code) {
      return json(ctx, 404, { error: 'not_found', error_description: 'unknown user_code' });
    }
    if (code.isExpired) {
      return json(ctx, 409, { error: 'expired', error_description: 'device code is expired' });
    }
    if (code.accountId || code.error) {
      return json(ctx, 409, { error: 'already_used', error_description: 'device code was already approved or denied' });
    }

    if (!approve) {
      Object.assign(code, { error: 'access_denied', errorDescription: 'End-User denied the authorization request' });
      await code.save();
      return json(ctx, 200, { status: 'denied', client_id: code.clientId });
    }

    if (!Object.hasOwn(users, user)) {
      return json(ctx, 400, { error: 'invalid_request', error_description: `unknown user ${user}` });
    }
    const { scope, resource } = code.params ?? {};
    const { grantId, requested } = await grantFor(ctx, code.clientId, user, scope, resource);
    const resources = asList(resource);
    Object.assign(code, {
      accountId: user,
      authTime: Math.floor(Date.now() / 1000),
      grantId,
      scope: requested.join(' '),
    });
    if (resources.length) {
      code.resource = resources.length === 1 ? resources[0] : resources;
    }
    await code.save();
    return json(ctx, 200, { status: 'approved', client_id: code.clientId, user });
  }

  async function ciba(ctx, approve) {
    const { auth_req_id: authReqId } = await readParams(ctx);
    if (!authReqId) {
      return json(ctx, 400, { error: 'invalid_request', error_description: 'auth_req_id is required' });
    }
    const request = await provider.BackchannelAuthenticationRequest.find(authReqId, { ignoreExpiration: true });
    if (!request) {
      return json(ctx, 404, { error: 'not_found', error_description: 'unknown auth_req_id' });
    }
    if (request.isExpired) {
      return json(ctx, 409, { error: 'expired', error_description: 'authentication request is expired' });
    }
    if (request.grantId || request.error) {
      return json(ctx, 409, { error: 'already_used', error_description: 'request was already approved or denied' });
    }

    const entry = cibaRequests.get(authReqId);
    if (approve) {
      const { grant } = await grantFor(ctx, request.clientId, request.accountId, request.scope, request.resource);
      await provider.backchannelResult(request, grant, { authTime: Math.floor(Date.now() / 1000) });
    } else {
      await provider.backchannelResult(request, new errors.AccessDenied('End-User denied the authorization request'));
    }
    if (entry) {
      entry.status = approve ? 'approved' : 'denied';
    }
    return json(ctx, 200, { status: approve ? 'approved' : 'denied', client_id: request.clientId });
  }

  /** features.ciba.triggerAuthenticationDevice: remember the request for /__test__/ciba/requests. */
  async function triggerAuthenticationDevice(ctx, request, account, client) {
    cibaRequests.set(request.jti, {
      auth_req_id: request.jti,
      client_id: client.clientId,
      user: account.accountId,
      scope: request.scope,
      binding_message: request.params?.binding_message,
      status: 'pending',
    });
    while (cibaRequests.size > MAX_CIBA_ENTRIES) {
      cibaRequests.delete(cibaRequests.keys().next().value);
    }
    // Let test clients poll quickly (the default polling interval is 5 seconds).
    if (ctx.body && typeof ctx.body === 'object') {
      ctx.body.interval = 1;
    }
  }

  function tokenClientId(ctx) {
    const { oidc } = ctx;
    return oidc?.client?.clientId
      ?? (typeof oidc?.params?.client_id === 'string' ? oidc.params.client_id : undefined)
      ?? decodeBasicClientId(ctx.get('Authorization'))
      ?? (oidc?.params?.client_assertion ? assertionClientId(oidc.params.client_assertion) : undefined)
      ?? 'unknown';
  }

  /** Koa middleware counting token endpoint requests per client_id (successful or not). */
  async function countTokenRequests(ctx, next) {
    if (ctx.method !== 'POST' || ctx.path !== '/token') {
      return next();
    }
    try {
      await next();
    } finally {
      const clientId = tokenClientId(ctx);
      tokenRequests.set(clientId, (tokenRequests.get(clientId) ?? 0) + 1);
    }
    return undefined;
  }

  async function routes(ctx, next) {
    if (!ctx.path.startsWith('/__test__/')) {
      return next();
    }
    const route = `${ctx.method} ${ctx.path}`;
    switch (route) {
      case 'POST /__test__/device/approve':
        return device(ctx, true);
      case 'POST /__test__/device/deny':
        return device(ctx, false);
      case 'GET /__test__/ciba/requests':
        return json(ctx, 200, [...cibaRequests.values()]);
      case 'POST /__test__/ciba/approve':
        return ciba(ctx, true);
      case 'POST /__test__/ciba/deny':
        return ciba(ctx, false);
      case 'GET /__test__/token-requests':
        return json(ctx, 200, Object.fromEntries(tokenRequests));
      case 'DELETE /__test__/token-requests':
      case 'POST /__test__/token-requests/reset':
        tokenRequests.clear();
        return json(ctx, 200, {});
      default:
        return json(ctx, 404, { error: 'not_found', error_description: `no test route ${route}` });
    }
  }

  return { countTokenRequests, routes, triggerAuthenticationDevice };
}
