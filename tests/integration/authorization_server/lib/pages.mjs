// End-user facing pages: the login/consent interaction routes and the page renderers
// oidc-provider calls (errors, device flow, logout). All plain HTML forms, so a test
// "user agent" made of an HTTP client with a cookie jar can drive them.

import { escapeHtml, page, readParams } from './http.mjs';
import { users } from './settings.mjs';

const INTERACTION = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|confirm|abort))?$/;

function loginForm(uid, { error, login = '' } = {}) {
  return `${error ? `<p id="login-error">${escapeHtml(error)}</p>` : ''}
<form id="login" method="post" action="/interaction/${uid}/login">
  <label>User <input type="text" name="login" value="${escapeHtml(login)}" autofocus></label>
  <label>Password <input type="password" name="password" value=""></label>
  <button type="submit">Sign in</button>
</form>`;
}

function consentForm(uid, details) {
  const items = [];
  if (details.missingOIDCScope) {
    items.push(`<li>scopes: ${escapeHtml(details.missingOIDCScope.join(' '))}</li>`);
  }
  if (details.missingOIDCClaims) {
    items.push(`<li>claims: ${escapeHtml(details.missingOIDCClaims.join(' '))}</li>`);
  }
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    items.push(`<li>${escapeHtml(indicator)}: ${escapeHtml(scopes.join(' '))}</li>`);
  }
  return `<ul>${items.join('')}</ul>
<form id="confirm" method="post" action="/interaction/${uid}/confirm">
  <button type="submit">Allow</button>
</form>`;
}

function abortForm(uid) {
  return `<form id="abort" method="post" action="/interaction/${uid}/abort">
  <button type="submit">Cancel</button>
</form>`;
}

function renderInteraction(ctx, interaction, options = {}) {
  const { uid, prompt, params } = interaction;
  const body = prompt.name === 'login' ? loginForm(uid, options) : consentForm(uid, prompt.details);
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = page(
    prompt.name === 'login' ? 'Sign in' : 'Authorize',
    `<div id="interaction" data-uid="${escapeHtml(uid)}" data-prompt="${escapeHtml(prompt.name)}"
     data-client-id="${escapeHtml(params.client_id)}"></div>
<p>Client <strong>${escapeHtml(params.client_id)}</strong> (${escapeHtml(prompt.reasons.join(', '))})</p>
${body}
${abortForm(uid)}`,
  );
}

async function finish(ctx, provider, result, options) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, options);
  ctx.status = 303;
  ctx.redirect(returnTo);
}

async function grantConsent(provider, interaction) {
  const { prompt: { details }, params, session } = interaction;
  const grant = interaction.grantId
    ? await provider.Grant.find(interaction.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });

  if (details.missingOIDCScope) {
    grant.addOIDCScope(details.missingOIDCScope.join(' '));
  }
  if (details.missingOIDCClaims) {
    grant.addOIDCClaims(details.missingOIDCClaims);
  }
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return interaction.grantId ? {} : { grantId };
}

/** Koa middleware for GET /interaction/:uid and POST /interaction/:uid/{login,confirm,abort}. */
export function interactionRoutes(provider) {
  return async function interactionMiddleware(ctx, next) {
    const match = INTERACTION.exec(ctx.path);
    if (!match) {
      return next();
    }
    const [, uid, action] = match;
    if ((action === undefined && ctx.method !== 'GET') || (action !== undefined && ctx.method !== 'POST')) {
      ctx.status = 405;
      ctx.body = page('Method not allowed', '');
      return undefined;
    }

    let interaction;
    try {
      interaction = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (err) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Interaction not found', `<div id="error" data-error="invalid_request"
 data-error-description="${escapeHtml(err.message)}"></div>`);
      return undefined;
    }
    if (interaction.uid !== uid) {
      ctx.status = 400;
      ctx.type = 'html';
      ctx.body = page('Interaction mismatch', '<div id="error" data-error="invalid_request" data-error-description="interaction mismatch"></div>');
      return undefined;
    }

    switch (action) {
      case undefined:
        renderInteraction(ctx, interaction);
        return undefined;
      case 'login': {
        if (interaction.prompt.name !== 'login') {
          ctx.status = 400;
          renderInteraction(ctx, interaction);
          return undefined;
        }
        const { login = '', password = '' } = await readParams(ctx);
        if (!Object.hasOwn(users, login) || users[login].password !== password) {
          renderInteraction(ctx, interaction, { error: 'Invalid user or password', login });
          return undefined;
        }
        await finish(ctx, provider, { login: { accountId: login } }, { mergeWithLastSubmission: false });
        return undefined;
      }
      case 'confirm': {
        if (interaction.prompt.name !== 'consent') {
          ctx.status = 400;
          renderInteraction(ctx, interaction);
          return undefined;
        }
        await readParams(ctx);
        const consent = await grantConsent(provider, interaction);
        await finish(ctx, provider, { consent }, { mergeWithLastSubmission: true });
        return undefined;
      }
      case 'abort':
        await readParams(ctx);
        await finish(ctx, provider, {
          error: 'access_denied',
          error_description: 'End-User aborted interaction',
        }, { mergeWithLastSubmission: false });
        return undefined;
      default:
        return next();
    }
  };
}

// ---------------------------------------------------------------------------------------
// Page renderers handed to oidc-provider's configuration

export async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = page('Authorization server error', `<div id="error" data-error="${escapeHtml(out.error)}"
 data-error-description="${escapeHtml(out.error_description)}"></div>
${Object.entries(out).map(([key, value]) => `<pre>${escapeHtml(key)}: ${escapeHtml(value)}</pre>`).join('\n')}`);
}

export async function logoutSource(ctx, form) {
  ctx.type = 'html';
  ctx.body = page('Sign out', `${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`);
}

export async function postLogoutSuccessSource(ctx) {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<p id="logged-out">You are signed out.</p>');
}

export async function userCodeInputSource(ctx, form, out, err) {
  ctx.type = 'html';
  const message = err ? `<p id="error">${escapeHtml(err.message || 'error')}</p>` : '<p>Enter the code shown on your device.</p>';
  ctx.body = page('Device sign-in', `${message}
${form}
<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

export async function userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
  ctx.type = 'html';
  ctx.body = page('Confirm device', `<p>Client <strong>${escapeHtml(client.clientId)}</strong>, code <code>${escapeHtml(userCode)}</code></p>
${form}
<button type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Abort</button>`);
}

export async function deviceSuccessSource(ctx) {
  ctx.type = 'html';
  ctx.body = page('Device signed in', '<p id="device-success">You can close this page.</p>');
}
