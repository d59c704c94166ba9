// SPDX-License-Identifier: AGPL-3.0-or-later
//
// A real OpenID provider (oidc-provider) on 127.0.0.1 for Tend's sign-in tests.
//
//   node provider.mjs [--port N] [--access-ttl S] [--id-token-ttl S] [--refresh-ttl S]
//
// Prints one line of JSON on stdout once it listens, {"issuer": ..., "port": ..., "pid": ...},
// then serves until SIGTERM or SIGINT, or until stdin reaches end-of-file when stdin is a pipe
// (so a test harness that dies takes the provider with it). Everything is in memory.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fstatSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'access-ttl': { type: 'string', default: '3600' },
    'id-token-ttl': { type: 'string', default: '3600' },
    'refresh-ttl': { type: 'string', default: '86400' },
  },
});

function number(name, min) {
  const value = Number(opts[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`provider.mjs: --${name} wants a whole number from ${min}, not “${opts[name]}”`);
    process.exit(2);
  }
  return value;
}

const port = number('port', 0);
const accessTtl = number('access-ttl', 1);
const idTokenTtl = number('id-token-ttl', 1);
const refreshTtl = number('refresh-ttl', 1);

// Tiny device-flow pages: the library's defaults pull web fonts from another host.
function page(ctx, title, body) {
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body><h1>${title}</h1>${body}</body></html>`;
}

const configuration = {
  clients: [{
    client_id: 'tend-test',
    client_name: 'Tend (test)',
    // A native public client: any port on the loopback redirect is accepted (RFC 8252 §7.3).
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback'],
    response_types: ['code'],
    grant_types: [
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
    ],
  }],
  responseTypes: ['code'],
  pkce: { methods: ['S256'], required: () => true },
  scopes: ['openid', 'offline_access', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Put the email in the ID token as Google and Microsoft do, not only in UserInfo.
  conformIdTokenClaims: false,
  // The devInteractions login form takes any login; that login becomes the subject and email.
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub, email_verified: true, name: 'Tend Tester' };
      },
    };
  },
  // Refresh tokens whether or not offline_access was asked for, rotated at every use, and not
  // tied to the browser session the scripted browser throws away.
  issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  expiresWithSession: async () => false,
  ttl: {
    AccessToken: accessTtl,
    IdToken: idTokenTtl,
    RefreshToken: refreshTtl,
  },
  jwks: {
    keys: [{
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
      kid: 'tend-test-rs256',
      alg: 'RS256',
      use: 'sig',
    }],
  },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    deviceFlow: {
      enabled: true,
      async userCodeInputSource(ctx, form, out, err) {
        page(ctx, 'Enter code', `${err ? '<p>That code is not valid.</p>' : ''}${form}`
          + '<button type="submit" form="op.deviceInputForm">Continue</button>');
      },
      async userCodeConfirmSource(ctx, form, client, deviceInfo, userCode) {
        page(ctx, 'Confirm device', `<p>${userCode}</p>${form}`
          + '<button type="submit" form="op.deviceConfirmForm">Continue</button>');
      },
      async successSource(ctx) {
        page(ctx, 'Signed in', '<p>You can close this page.</p>');
      },
    },
  },
};

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const bound = server.address().port;
  const issuer = `http://127.0.0.1:${bound}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer, port: bound, pid: process.pid })}\n`);
});
server.on('error', (error) => {
  console.error(`provider.mjs: ${error.message}`);
  process.exit(1);
});

function stop() {
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on('end', stop);
  process.stdin.resume();
}
