// SPDX-License-Identifier: AGPL-3.0-or-later
//
// A scripted browser for provider.mjs: plain fetch, a cookie jar, and the provider's forms.
//
//   node browser.mjs [--login EMAIL] [--stop-at-redirect] AUTHORIZATION_URL
//     Follows the authorization URL, signs in and consents, then makes the GET to the app's
//     redirect URI (the redirect_uri of AUTHORIZATION_URL) as a browser would. With
//     --stop-at-redirect it does not make that GET. Prints one JSON line:
//     {"status": <the app's HTTP status, or null when stopped>, "location": <redirect URL>}
//
//   node browser.mjs [--login EMAIL] --device USER_CODE VERIFICATION_URI
//     Enters the user code, signs in and confirms. Prints {"status": 200, "title": ...}.
//
// Exits 0 when the flow got where it should, 1 otherwise (with the reason on stderr).
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    login: { type: 'string', default: 'me@tend.test' },
    device: { type: 'string' },
    'stop-at-redirect': { type: 'boolean', default: false },
  },
});

function fail(message) {
  console.error(`browser.mjs: ${message}`);
  process.exit(1);
}

if (positionals.length !== 1) {
  fail('usage: browser.mjs [--login EMAIL] [--stop-at-redirect] AUTHORIZATION_URL\n'
    + '       browser.mjs [--login EMAIL] --device USER_CODE VERIFICATION_URI');
}

const start = new URL(positionals[0]);
const provider = start.origin;
const redirectUri = opts.device ? null : start.searchParams.get('redirect_uri');
if (!opts.device && !redirectUri) {
  fail('the authorization URL has no redirect_uri');
}

// Cookies of the provider's origin only; the app never sees them.
const jar = new Map();

function keepCookies(response) {
  // Debian 12's Node 18 lacks getSetCookie(); there the joined header is cut at each comma that
  // starts a new name=value (a comma inside an Expires date is followed by a space and digits).
  const lines = response.headers.getSetCookie?.()
    ?? (response.headers.get('set-cookie') ?? '').split(/,\s*(?=[^;,\s]+=)/).filter(Boolean);
  for (const line of lines) {
    const [pair, ...attributes] = line.split(';');
    const name = pair.slice(0, pair.indexOf('=')).trim();
    const value = pair.slice(pair.indexOf('=') + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key, arg = ''] = attribute.trim().split('=');
      return (key.toLowerCase() === 'max-age' && Number(arg) <= 0)
        || (key.toLowerCase() === 'expires' && Date.parse(arg) <= Date.now());
    });
    if (expired || value === '') {
      jar.delete(name);
    } else {
      jar.set(name, value);
    }
  }
}

async function request(url, form) {
  const headers = {};
  if (url.origin === provider && jar.size) {
    headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    headers,
    body: form ? new URLSearchParams(form) : undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(10000),
  });
  if (url.origin === provider) {
    keepCookies(response);
  }
  return response;
}

function unescapeHtml(text) {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function attributes(tag) {
  const found = {};
  for (const [, name, value] of tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) {
    found[name.toLowerCase()] = unescapeHtml(value ?? '');
  }
  return found;
}

// The first form of the page, its fields filled in the way a person would fill them.
function fillForm(html, base) {
  const match = html.match(/<form\b([^>]*)>([\s\S]*?)<\/form>/i);
  if (!match) {
    return null;
  }
  const { id, action } = attributes(match[1]);
  const fields = {};
  for (const [tag] of match[2].matchAll(/<input\b[^>]*>/gi)) {
    const { name, value, type } = attributes(tag);
    if (!name) {
      continue;
    }
    if (type === 'hidden') {
      fields[name] = value;
    } else if (name === 'login') {
      fields[name] = opts.login;
    } else if (name === 'password') {
      fields[name] = 'any password will do';
    } else if (name === 'user_code') {
      fields[name] = opts.device;
    } else {
      fields[name] = value;
    }
  }
  return { id, action: new URL(action || base.href, base), fields };
}

function isRedirectUri(url) {
  const target = new URL(redirectUri);
  // The redirect_uri of the authorization URL, the app's own port included; the query differs.
  return url.protocol === target.protocol && url.hostname === target.hostname
    && url.port === target.port && url.pathname === target.pathname;
}

let url = start;
let form = null;
let codeEntered = false;
for (let step = 0; step < 20; step++) {
  const response = await request(url, form);
  form = null;
  const location = response.headers.get('location');
  if (response.status >= 300 && response.status < 400 && location) {
    url = new URL(location, url);
    if (redirectUri && isRedirectUri(url)) {
      if (opts['stop-at-redirect']) {
        console.log(JSON.stringify({ status: null, location: url.href }));
        process.exit(0);
      }
      const app = await request(url, null);
      console.log(JSON.stringify({ status: app.status, location: url.href }));
      process.exit(app.ok ? 0 : 1);
    }
    continue;
  }
  const html = await response.text();
  if (!response.ok) {
    const text = html.replace(/<(style|script)\b[\s\S]*?<\/\1>|<[^>]*>/gi, ' ');
    fail(`${url.href} answered ${response.status}: ${text.replace(/\s+/g, ' ').trim()}`);
  }
  const next = fillForm(html, url);
  if (!next) {
    if (!opts.device) {
      fail(`${url.href} shows a page with no form and no redirect`);
    }
    const title = html.match(/<title>([^<]*)<\/title>/i)?.[1] ?? '';
    console.log(JSON.stringify({ status: response.status, title }));
    process.exit(title === 'Signed in' ? 0 : 1);
  }
  if (next.id === 'op.deviceInputForm') {
    if (codeEntered) {
      fail('the provider did not accept the user code');
    }
    codeEntered = true;
  }
  url = next.action;
  form = next.fields;
}
fail('too many steps without reaching the end of the flow');
