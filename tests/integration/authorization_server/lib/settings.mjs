// Loads clients.json and the checked-in keys, and turns them into oidc-provider client
// metadata plus the lookup tables the rest of the server needs.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

export function readJson(relativePath) {
  return JSON.parse(readFileSync(join(ROOT, relativePath), 'utf8'));
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

export function publicJwk(jwk) {
  return Object.fromEntries(Object.entries(jwk).filter(([key]) => !PRIVATE_MEMBERS.has(key)));
}

const shared = readJson('clients.json');

export const users = shared.users;
export const resourceServerConfig = shared.resource_server;
export const saml2BearerConfig = shared.saml2_bearer;
export const jwtBearerConfig = {
  issuer: shared.jwt_bearer.issuer,
  publicJwk: publicJwk(readJson(shared.jwt_bearer.private_jwk_file)),
};

/** Signing keys of the authorization server (RS256 + ES256). */
export const signingJwks = readJson('keys/as-signing.private.jwks.json');

/**
 * Every key of the authorization server: the signing keys plus one RSA-OAEP-256 encryption
 * key (clients encrypt request objects to it; it is published in /jwks with use "enc").
 */
export const serverJwks = {
  keys: [...signingJwks.keys, readJson('keys/as-encryption.private.jwk.json')],
};

const defaults = shared.defaults;

/** Per client_id settings that are not client metadata (token lifetimes, short name). */
export const clientSettings = new Map();

/** Static client metadata for oidc-provider's `clients` configuration. */
export const clientMetadata = [];

for (const [name, entry] of Object.entries(shared.clients)) {
  const grantTypes = typeof entry.grant_types === 'string'
    ? defaults.grant_type_sets[entry.grant_types]
    : entry.grant_types;
  if (!Array.isArray(grantTypes)) {
    throw new TypeError(`client ${name}: unknown grant_types ${entry.grant_types}`);
  }

  const metadata = {
    client_id: entry.client_id,
    client_name: `oauth2core test client "${name}"`,
    token_endpoint_auth_method: entry.token_endpoint_auth_method,
    application_type: entry.application_type ?? 'web',
    grant_types: grantTypes,
    response_types: ['code'],
    redirect_uris: entry.redirect_uris ?? defaults.redirect_uris,
    post_logout_redirect_uris: entry.post_logout_redirect_uris ?? defaults.post_logout_redirect_uris,
    ...entry.metadata,
  };
  if (entry.client_secret) {
    metadata.client_secret = entry.client_secret;
  }
  if (entry.private_jwk_files) {
    metadata.jwks = { keys: entry.private_jwk_files.map((file) => publicJwk(readJson(file))) };
  }
  if (grantTypes.includes('urn:openid:params:grant-type:ciba')) {
    metadata.backchannel_token_delivery_mode = 'poll';
  }

  clientMetadata.push(metadata);
  clientSettings.set(entry.client_id, {
    name,
    accessTokenTTL: entry.access_token_ttl ?? defaults.access_token_ttl,
    deviceCodeTTL: entry.device_code_ttl ?? defaults.device_code_ttl,
  });
}

/** Fixed secrets so that cookies and DPoP nonces survive nothing but are reproducible. */
export const COOKIE_KEYS = [
  'oauth2core-test-cookie-key-1-not-a-real-secret',
  'oauth2core-test-cookie-key-2-not-a-real-secret',
];
export const DPOP_NONCE_SECRET = Buffer.from(
  '6f6175746832636f72652d746573742d64706f702d6e6f6e63652d2d2d2d2d2d',
  'hex',
);
