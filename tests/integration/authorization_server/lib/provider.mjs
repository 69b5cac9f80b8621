// oidc-provider configuration for the test authorization server.

import Provider, { errors } from 'oidc-provider';

import { createAdmin } from './admin.mjs';
import { registerToyGrants } from './grants.mjs';
import {
  deviceSuccessSource,
  interactionRoutes,
  logoutSource,
  postLogoutSuccessSource,
  renderError,
  userCodeConfirmSource,
  userCodeInputSource,
} from './pages.mjs';
import { createResourceServer } from './resource.mjs';
import {
  clientMetadata,
  clientSettings,
  COOKIE_KEYS,
  DPOP_NONCE_SECRET,
  resourceServerConfig,
  serverJwks,
  users,
} from './settings.mjs';

const DPOP_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA', 'Ed25519'];
const BINDING_MESSAGE = /^[a-zA-Z0-9-._+/!?#]{1,20}$/;

const settingsFor = (clientId) => clientSettings.get(clientId) ?? {};

export async function createProvider(issuer) {
  const apiIdentifier = `${issuer}${resourceServerConfig.path}`;
  const apiScope = resourceServerConfig.scopes.join(' ');
  const scopes = ['openid', 'offline_access', 'profile', 'email', ...resourceServerConfig.scopes];
  const allowedScopes = new Set(scopes);

  async function getResourceServerInfo(ctx, indicator, client) {
    if (indicator !== apiIdentifier) {
      throw new errors.InvalidTarget(`unknown resource indicator, the only resource server is ${apiIdentifier}`);
    }
    return {
      scope: apiScope,
      audience: apiIdentifier,
      accessTokenFormat: 'opaque',
      accessTokenTTL: settingsFor(client?.clientId).accessTokenTTL ?? 3600,
    };
  }

  let admin;

  const configuration = {
    clients: clientMetadata,
    jwks: serverJwks,
    cookies: { keys: COOKIE_KEYS },
    scopes,
    responseTypes: ['code'],
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
    },
    async findAccount(ctx, sub) {
      if (!Object.hasOwn(users, sub)) {
        return undefined;
      }
      const user = users[sub];
      return {
        accountId: sub,
        async claims() {
          return { sub, name: user.name, email: user.email, email_verified: true };
        },
      };
    },
    clientBasedCORS: () => false,
    renderError,
    interactions: {
      url: (ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    // Refresh tokens: issued to every client that has the refresh_token grant type, for
    // authorization_code / device_code / ciba (offline_access is not needed), and always
    // rotated: a used refresh token is consumed and replaying it revokes the whole grant.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    expiresWithSession: async (ctx, code) => !code.scopes.has('offline_access'),
    pkce: {
      required: (ctx, client) => client.clientAuthMethod === 'none',
    },
    ttl: {
      AccessToken: (ctx, token) => settingsFor(token.clientId).accessTokenTTL ?? 3600,
      ClientCredentials: (ctx, token) => settingsFor(token.clientId).accessTokenTTL ?? 3600,
      AuthorizationCode: 60,
      BackchannelAuthenticationRequest: (ctx) => {
        const requested = Number(ctx?.oidc?.params?.requested_expiry);
        return Number.isSafeInteger(requested) && requested > 0 ? Math.min(600, requested) : 600;
      },
      DeviceCode: (ctx, code) => settingsFor(code.clientId).deviceCodeTTL ?? 600,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    enabledJWA: {
      dPoPSigningAlgValues: DPOP_ALGORITHMS,
    },
    features: {
      devInteractions: { enabled: false },
      claimsParameter: { enabled: true },
      clientCredentials: { enabled: true },
      // JWE: encrypted ID tokens, userinfo, JARM and introspection responses (to the client's
      // keys), and encrypted request objects (to the server's "enc" key).
      encryption: { enabled: true },
      introspection: {
        enabled: true,
        // Confidential clients may introspect any token, public clients only their own.
        allowedPolicy: async (ctx, client, token) => (
          client.clientAuthMethod !== 'none' || token.clientId === client.clientId
        ),
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (ctx, client, token) => {
          if (token.clientId !== client.clientId) {
            if (client.clientAuthMethod === 'none') {
              return false;
            }
            throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
          }
          return true;
        },
      },
      userinfo: { enabled: true },
      jwtUserinfo: { enabled: true },
      jwtIntrospection: { enabled: true },
      deviceFlow: {
        enabled: true,
        userCodeInputSource,
        userCodeConfirmSource,
        successSource: deviceSuccessSource,
      },
      ciba: {
        enabled: true,
        deliveryModes: ['poll'],
        async processLoginHint(ctx, loginHint) {
          return Object.hasOwn(users, loginHint) ? loginHint : undefined;
        },
        async processLoginHintToken() {
          throw new errors.InvalidRequest('login_hint_token is not supported, use login_hint');
        },
        async verifyUserCode() {},
        async validateRequestContext() {},
        async validateBindingMessage(ctx, bindingMessage) {
          if (bindingMessage !== undefined && !BINDING_MESSAGE.test(bindingMessage)) {
            throw new errors.InvalidBindingMessage('binding_message must match ^[a-zA-Z0-9-._+/!?#]{1,20}$');
          }
        },
        triggerAuthenticationDevice: (...args) => admin.triggerAuthenticationDevice(...args),
      },
      pushedAuthorizationRequests: { enabled: true },
      requestObjects: { enabled: true },
      jwtResponseModes: { enabled: true },
      dPoP: {
        enabled: true,
        nonceSecret: DPOP_NONCE_SECRET,
        requireNonce: () => true,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx, client, oneOf) => oneOf,
        useGrantedResource: async () => false,
        getResourceServerInfo,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource,
        postLogoutSuccessSource,
      },
    },
  };

  const provider = new Provider(issuer, configuration);

  admin = createAdmin({ provider, resourceServerInfo: getResourceServerInfo, allowedScopes });
  registerToyGrants(provider, { allowedScopes, resourceServerInfo: getResourceServerInfo });

  // Let device-flow test clients poll quickly (the default polling interval is 5 seconds).
  provider.on('device_authorization.success', (ctx, body) => {
    body.interval = 1;
  });
  provider.on('server_error', (ctx, err) => {
    console.error('server_error', ctx.method, ctx.path, err);
  });

  provider.use(admin.countTokenRequests);
  provider.use(admin.routes);
  provider.use(interactionRoutes(provider));
  provider.use(createResourceServer({
    provider,
    identifier: apiIdentifier,
    nonceSecret: DPOP_NONCE_SECRET,
    dpopAlgorithms: DPOP_ALGORITHMS,
  }));

  // Fail fast on invalid static client metadata (clients are otherwise validated lazily).
  for (const { client_id: clientId } of clientMetadata) {
    if (!(await provider.Client.find(clientId))) {
      throw new Error(`static client ${clientId} could not be loaded`);
    }
  }

  return { provider, apiIdentifier };
}
