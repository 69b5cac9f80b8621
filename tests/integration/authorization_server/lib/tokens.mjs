// Looking up the access tokens this server issued, for the toy grants and the resource.

// An access token (user or client credentials) that is unexpired and whose grant still
// stands (a refresh-token replay revokes the grant); undefined otherwise.
export async function findActiveToken(provider, value) {
  const token = (await provider.AccessToken.find(value))
    ?? (await provider.ClientCredentials.find(value));
  if (!token || token.isExpired) {
    return undefined;
  }
  if (token.grantId) {
    const grant = await provider.Grant.find(token.grantId);
    if (!grant || grant.clientId !== token.clientId || grant.accountId !== token.accountId) {
      return undefined;
    }
  }
  return token;
}
