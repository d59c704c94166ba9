// SPDX-License-Identifier: AGPL-3.0-or-later
//
// Proves provider.mjs and browser.mjs work together, with no C involved: sign-in with PKCE,
// the code exchange, ID token checks, refresh with rotation, a replayed code, the device flow
// and revocation.
// Prints TAP. Run through smoke.sh, which installs the pinned packages first.
import { execFile, spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const ACCESS_TTL = 30;
const ID_TOKEN_TTL = 45;

let count = 0;
function ok(passed, name, detail) {
  count++;
  console.log(`${passed ? 'ok' : 'not ok'} ${count} - ${name}`);
  if (!passed) {
    process.exitCode = 1;
  }
  if (!passed && detail !== undefined) {
    console.log(`# ${JSON.stringify(detail)}`);
  }
}

// The provider, with its stdin a pipe so that it ends with this script whatever happens.
const providerLog = [];
const providerProcess = spawn(process.execPath, [`${here}/provider.mjs`,
  '--access-ttl', String(ACCESS_TTL), '--id-token-ttl', String(ID_TOKEN_TTL)],
{ stdio: ['pipe', 'pipe', 'pipe'] });
providerProcess.stderr.on('data', (chunk) => providerLog.push(chunk));
const [readyLine] = await Promise.race([
  once(createInterface({ input: providerProcess.stdout }), 'line'),
  once(providerProcess, 'exit').then(() => {
    throw new Error(`provider.mjs exited: ${Buffer.concat(providerLog)}`);
  }),
]);
const { issuer, port, pid } = JSON.parse(readyLine);

// The app's loopback redirect listener, on a port of its own as RFC 8252 §7.3 allows.
const appRequests = [];
const app = createServer((req, res) => {
  appRequests.push(new URL(req.url, 'http://127.0.0.1'));
  res.end('You can close this tab.\n');
});
app.listen(0, '127.0.0.1');
await once(app, 'listening');
const redirectUri = `http://127.0.0.1:${app.address().port}/callback`;

function browser(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [`${here}/browser.mjs`, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, out: stdout ? JSON.parse(stdout) : null, stderr });
    });
  });
}

async function call(path, { form, token } = {}) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const response = await fetch(new URL(path, issuer), {
    method: form ? 'POST' : 'GET',
    headers,
    body: form ? new URLSearchParams({ client_id: 'tend-test', ...form }) : undefined,
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}

const b64url = (buffer) => Buffer.from(buffer).toString('base64url');

// One browser sign-in: what the app received, and the PKCE verifier and nonce it used.
async function signIn({ pkce = true } = {}) {
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const nonce = b64url(randomBytes(16));
  const url = new URL('/auth', issuer);
  url.search = new URLSearchParams({
    client_id: 'tend-test',
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid email profile offline_access',
    state,
    nonce,
    ...(pkce ? {
      code_challenge: b64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    } : {}),
  });
  const before = appRequests.length;
  const run = await browser(...(pkce ? [] : ['--stop-at-redirect']), url.href);
  const received = pkce ? appRequests[before] : (run.out && new URL(run.out.location));
  return { run, received, verifier, state, nonce };
}

function exchange(code, verifier) {
  return call('/token', { form: {
    grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri,
  } });
}

function refresh(refreshToken) {
  return call('/token', { form: { grant_type: 'refresh_token', refresh_token: refreshToken } });
}

// Verify an RS256 JWT against the provider's JWKS and return its claims.
async function verifyJwt(jwt) {
  const [header, payload, signature] = jwt.split('.');
  const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url'));
  const { json: jwks } = await call('/jwks');
  const jwk = jwks.keys.find((key) => key.kid === kid);
  const valid = alg === 'RS256' && jwk
    && verify('sha256', Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'));
  return valid ? JSON.parse(Buffer.from(payload, 'base64url')) : null;
}

try {
  const { json: discovery } = await call('/.well-known/openid-configuration');
  ok(discovery.issuer === issuer && pid === providerProcess.pid
    && discovery.code_challenge_methods_supported.join() === 'S256'
    && discovery.device_authorization_endpoint && discovery.revocation_endpoint,
  'discovery names the issuer, S256 only, device and revocation endpoints', discovery);

  // Sign-in 1: the code, the ID token, refresh and rotation.
  const first = await signIn();
  const q = first.received?.searchParams;
  ok(first.run.code === 0 && first.run.out.status === 200 && q?.get('state') === first.state
    && q.get('code') && q.get('iss') === issuer,
  'the browser signs in and the redirect brings code, state and iss to the app', first.run);

  const wrongVerifier = await exchange(q.get('code'), b64url(randomBytes(32)));
  ok(wrongVerifier.json.error === 'invalid_grant', 'a wrong PKCE verifier is refused',
    wrongVerifier.json);

  const tokens = await exchange(q.get('code'), first.verifier);
  ok(tokens.status === 200 && tokens.json.access_token && tokens.json.id_token
    && tokens.json.refresh_token && tokens.json.expires_in === ACCESS_TTL,
  'the code buys an access token, an ID token and a refresh token', tokens.json);

  const claims = await verifyJwt(tokens.json.id_token);
  ok(claims && claims.iss === issuer && claims.aud === 'tend-test' && claims.nonce === first.nonce
    && claims.email === 'me@tend.test' && claims.exp - claims.iat === ID_TOKEN_TTL,
  'the ID token verifies against the JWKS: iss, aud, nonce, email, lifetime', claims);

  const userinfo = await call('/me', { token: tokens.json.access_token });
  ok(userinfo.status === 200 && userinfo.json.email === 'me@tend.test',
    'the access token reads UserInfo', userinfo);

  const refreshed = await refresh(tokens.json.refresh_token);
  ok(refreshed.status === 200 && refreshed.json.access_token && refreshed.json.refresh_token
    && refreshed.json.refresh_token !== tokens.json.refresh_token,
  'refreshing rotates the refresh token', refreshed.json);

  const reused = await refresh(tokens.json.refresh_token);
  ok(reused.json.error === 'invalid_grant', 'the rotated-out refresh token is refused',
    reused.json);

  const afterReuse = await refresh(refreshed.json.refresh_token);
  ok(afterReuse.json.error === 'invalid_grant',
    'reusing a rotated-out refresh token revokes the newest one as well', afterReuse.json);

  // Sign-in 2: a replayed code.
  const second = await signIn();
  const code = second.received?.searchParams.get('code');
  const tokens2 = await exchange(code, second.verifier);
  const replayed = await exchange(code, second.verifier);
  const afterReplay = await refresh(tokens2.json.refresh_token);
  ok(tokens2.status === 200 && replayed.json.error === 'invalid_grant'
    && afterReplay.json.error === 'invalid_grant',
  'a replayed code is refused and revokes what the code bought', { replayed, afterReplay });

  const noPkce = await signIn({ pkce: false });
  ok(noPkce.received?.searchParams.get('error') === 'invalid_request'
    && !noPkce.received.searchParams.get('code'),
  'an authorization request without PKCE is refused', noPkce.run);

  // The device flow (RFC 8628).
  const device = await call('/device/auth', { form: { scope: 'openid email offline_access' } });
  const pollForm = {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    device_code: device.json.device_code,
  };
  const pending = await call('/token', { form: pollForm });
  ok(device.status === 200 && device.json.user_code && device.json.verification_uri
    && pending.json.error === 'authorization_pending',
  'the device flow starts and the token endpoint says authorization_pending', device.json);

  const approve = await browser('--device', device.json.user_code, device.json.verification_uri);
  ok(approve.code === 0 && approve.out.title === 'Signed in',
    'the browser enters the user code, signs in and confirms', approve);

  const deviceTokens = await call('/token', { form: pollForm });
  const deviceClaims = deviceTokens.json.id_token && await verifyJwt(deviceTokens.json.id_token);
  ok(deviceTokens.status === 200 && deviceTokens.json.refresh_token
    && deviceClaims?.email === 'me@tend.test',
  'the device code then buys tokens for me@tend.test', deviceTokens.json);

  // Revocation (RFC 7009), of the device flow's tokens.
  const revoked = await call('/token/revocation', { form: {
    token: deviceTokens.json.refresh_token, token_type_hint: 'refresh_token',
  } });
  const afterRevoke = await refresh(deviceTokens.json.refresh_token);
  const userinfoAfter = await call('/me', { token: deviceTokens.json.access_token });
  ok(revoked.status === 200 && afterRevoke.json.error === 'invalid_grant'
    && userinfoAfter.status === 401,
  'revoking the refresh token ends it and its access token', { revoked, afterRevoke });
} catch (error) {
  ok(false, `the smoke test ran to its end: ${error.message}`);
}

console.log(`1..${count}`);
providerProcess.kill('SIGTERM');
app.close();
const [exitCode] = await once(providerProcess, 'exit');
if (process.exitCode || exitCode !== 0) {
  console.log(`# provider stderr: ${Buffer.concat(providerLog)}`);
}
