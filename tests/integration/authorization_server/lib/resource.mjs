// A protected resource living next to the authorization server:
//
//   GET  /api/resource   -> JSON describing the presented access token
//   ANY  /api/echo       -> same, plus the request method, query and body
//
// Tokens are checked directly against the provider's storage (like an introspection
// call would), so expired, revoked and unknown tokens are refused with 401 and a
// WWW-Authenticate challenge. DPoP-bound tokens must be presented with the DPoP scheme
// and a DPoP proof that carries a server-provided nonce (see README.md).

import * as crypto from 'node:crypto';

import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
// Same nonce generator (and secret) as the authorization server's own DPoP nonces.
import ServerChallenge from 'oidc-provider/lib/helpers/challenge.js';

import { readBody } from './http.mjs';
import { findActiveToken } from './tokens.mjs';

const IAT_WINDOW = 300;

class ResourceError extends Error {
  constructor(status, error, description, { scheme = 'Bearer', nonce } = {}) {
    super(description);
    Object.assign(this, { status, error, description, scheme, nonce });
  }
}

function quote(value) {
  return `"${String(value).replace(/["\\]/g, '\\$&')}"`;
}

function challenge(scheme, params) {
  const rendered = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${quote(value)}`)
    .join(', ');
  return rendered ? `${scheme} ${rendered}` : scheme;
}

function parseAuthorization(header) {
  if (!header) {
    return undefined;
  }
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) {
    throw new ResourceError(400, 'invalid_request', 'malformed Authorization header');
  }
  const scheme = match[1].toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'dpop') {
    throw new ResourceError(400, 'invalid_request', `unsupported authorization scheme ${match[1]}`);
  }
  return { scheme: scheme === 'dpop' ? 'DPoP' : 'Bearer', token: match[2] };
}

export function createResourceServer({ provider, identifier, nonceSecret, dpopAlgorithms }) {
  const nonces = new ServerChallenge(nonceSecret, 'DPoP');
  const seenProofs = new Map();
  const realm = identifier;

  function rememberProof(jti, iat) {
    const now = Math.floor(Date.now() / 1000);
    for (const [key, expiresAt] of seenProofs) {
      if (expiresAt < now) {
        seenProofs.delete(key);
      }
    }
    if (seenProofs.has(jti)) {
      return false;
    }
    seenProofs.set(jti, Math.max(iat, now) + IAT_WINDOW);
    return true;
  }

  async function verifyProof(ctx, accessToken) {
    const proof = ctx.get('DPoP');
    if (!proof) {
      throw new ResourceError(401, 'invalid_dpop_proof', 'DPoP proof header is missing', { scheme: 'DPoP' });
    }
    if (Array.isArray(ctx.headers.dpop) || proof.includes(',')) {
      throw new ResourceError(401, 'invalid_dpop_proof', 'exactly one DPoP proof must be sent', { scheme: 'DPoP' });
    }

    let payload;
    let protectedHeader;
    try {
      ({ payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: dpopAlgorithms,
      }));
    } catch (cause) {
      throw new ResourceError(401, 'invalid_dpop_proof', `invalid DPoP proof: ${cause.message}`, { scheme: 'DPoP' });
    }
    const fail = (description) => new ResourceError(401, 'invalid_dpop_proof', description, { scheme: 'DPoP' });

    if ('d' in protectedHeader.jwk || 'k' in protectedHeader.jwk) {
      throw fail('DPoP proof jwk must be a public key');
    }
    if (typeof payload.jti !== 'string' || !payload.jti) {
      throw fail('DPoP proof must have a jti string claim');
    }
    if (typeof payload.iat !== 'number') {
      throw fail('DPoP proof must have a numeric iat claim');
    }
    if (payload.htm !== ctx.method) {
      throw fail('DPoP proof htm mismatch');
    }
    const htu = typeof payload.htu === 'string' ? URL.parse(payload.htu) : null;
    const expected = new URL(ctx.path, provider.issuer);
    if (htu) {
      htu.search = '';
      htu.hash = '';
    }
    if (!htu || htu.href !== expected.href) {
      throw fail('DPoP proof htu mismatch');
    }
    const ath = crypto.createHash('sha256').update(accessToken).digest('base64url');
    if (payload.ath !== ath) {
      throw fail('DPoP proof ath mismatch');
    }
    const now = Math.floor(Date.now() / 1000);
    if (Math.abs(now - payload.iat) > IAT_WINDOW) {
      throw fail('DPoP proof iat is not recent enough');
    }
    if (typeof payload.nonce !== 'string' || !nonces.checkChallenge(payload.nonce)) {
      throw new ResourceError(
        401,
        'use_dpop_nonce',
        payload.nonce === undefined ? 'resource server requires a DPoP nonce' : 'invalid DPoP nonce',
        { scheme: 'DPoP', nonce: nonces.nextChallenge() },
      );
    }
    if (!rememberProof(payload.jti, payload.iat)) {
      throw fail('DPoP proof jti has already been used');
    }
    return { thumbprint: await calculateJwkThumbprint(protectedHeader.jwk), nonce: payload.nonce };
  }

  async function authenticate(ctx) {
    const presented = parseAuthorization(ctx.get('Authorization'));
    if (!presented) {
      throw new ResourceError(401, undefined, 'no access token provided');
    }
    const { scheme, token: value } = presented;

    const token = await findActiveToken(provider, value);
    if (!token) {
      throw new ResourceError(401, 'invalid_token', 'access token is unknown, expired or revoked', { scheme });
    }
    if (token.aud !== undefined && token.aud !== identifier) {
      throw new ResourceError(401, 'invalid_token', 'access token audience does not include this resource server', { scheme });
    }

    let dpop;
    if (scheme === 'DPoP') {
      if (!token.jkt) {
        throw new ResourceError(401, 'invalid_token', 'access token is not DPoP-bound', { scheme });
      }
      dpop = await verifyProof(ctx, value);
      if (dpop.thumbprint !== token.jkt) {
        throw new ResourceError(401, 'invalid_token', 'DPoP proof key does not match the access token binding', { scheme });
      }
    } else if (token.jkt) {
      throw new ResourceError(401, 'invalid_token', 'DPoP-bound access token must be sent with the DPoP scheme', { scheme: 'DPoP' });
    }

    const requiredScope = ctx.query.required_scope;
    if (typeof requiredScope === 'string' && requiredScope) {
      const missing = requiredScope.split(' ').filter((value) => value && !token.scopes.has(value));
      if (missing.length) {
        throw new ResourceError(403, 'insufficient_scope', `access token is missing scope ${missing.join(' ')}`, { scheme });
      }
    }

    return { token, scheme, dpop };
  }

  function describeToken({ token, scheme }) {
    return Object.fromEntries(Object.entries({
      active: true,
      client_id: token.clientId,
      sub: token.accountId,
      scope: token.scope ?? '',
      aud: token.aud,
      token_type: scheme,
      token_kind: token.kind,
      cnf: token.jkt ? { jkt: token.jkt } : undefined,
      exp: token.exp,
      iat: token.iat,
      gty: token.gty,
      act: token.extra?.act,
    }).filter(([, value]) => value !== undefined));
  }

  function writeError(ctx, err) {
    ctx.status = err.status;
    const headerParams = {
      realm,
      error: err.error,
      error_description: err.error ? err.description : undefined,
    };
    if (err.status === 401 && err.error === undefined) {
      // No credentials at all: offer both schemes (RFC 6750 section 3, RFC 9449 section 7.1).
      ctx.set('WWW-Authenticate', [
        challenge('Bearer', { realm }),
        challenge('DPoP', { realm, algs: dpopAlgorithms.join(' ') }),
      ].join(', '));
    } else if (err.status === 401 || err.status === 403) {
      const params = err.scheme === 'DPoP' ? { ...headerParams, algs: dpopAlgorithms.join(' ') } : headerParams;
      ctx.set('WWW-Authenticate', challenge(err.scheme, params));
    }
    if (err.nonce) {
      ctx.set('DPoP-Nonce', err.nonce);
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = Object.fromEntries(Object.entries({
      error: err.error,
      error_description: err.description,
    }).filter(([, value]) => value !== undefined));
  }

  const routes = new Set(['/api/resource', '/api/echo']);

  return async function resourceMiddleware(ctx, next) {
    if (!routes.has(ctx.path)) {
      return next();
    }
    if (ctx.path === '/api/resource' && ctx.method !== 'GET') {
      ctx.status = 405;
      ctx.set('Allow', 'GET');
      ctx.body = { error: 'method_not_allowed' };
      return undefined;
    }

    try {
      const result = await authenticate(ctx);
      const body = describeToken(result);
      if (ctx.path === '/api/echo') {
        Object.assign(body, {
          method: ctx.method,
          path: ctx.path,
          query: Object.fromEntries(new URLSearchParams(ctx.querystring)),
          body: (await readBody(ctx)).toString('utf8'),
          content_type: ctx.get('Content-Type') || undefined,
        });
      }
      if (result.dpop) {
        const fresh = nonces.nextChallenge();
        if (fresh !== result.dpop.nonce) {
          ctx.set('DPoP-Nonce', fresh);
        }
      }
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
    } catch (err) {
      if (!(err instanceof ResourceError)) {
        throw err;
      }
      writeError(ctx, err);
    }
    return undefined;
  };
}
