// Small request/response helpers for the server's own (non oidc-provider) routes.

const MAX_BODY = 64 * 1024;
const BODY = Symbol('body');

export async function readBody(ctx) {
  if (ctx[BODY] === undefined) {
    const chunks = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += chunk.length;
      if (size > MAX_BODY) {
        ctx.throw(413, 'request body too large');
      }
      chunks.push(chunk);
    }
    ctx[BODY] = Buffer.concat(chunks);
  }
  return ctx[BODY];
}

/** Parses an application/x-www-form-urlencoded or application/json body into an object. */
export async function readParams(ctx) {
  const raw = (await readBody(ctx)).toString('utf8');
  if (!raw) {
    return {};
  }
  if (ctx.is('application/json')) {
    try {
      const parsed = JSON.parse(raw);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {};
    } catch {
      ctx.throw(400, 'malformed JSON body');
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

export function escapeHtml(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

export function json(ctx, status, body) {
  ctx.status = status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}
