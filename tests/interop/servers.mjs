// Starts the interop suite's third-party servers on loopback:
// - oauth2-mock-server as the OAuth 2.0 authorization server, issuing RS256 JWT access tokens;
// - an Express API protected by express-oauth2-jwt-bearer, which rejects expired or invalid tokens
//   with a standard `WWW-Authenticate: Bearer ... error="invalid_token"` challenge.
// Prints one JSON line with the ports, then serves until stdin closes or SIGTERM arrives.
// A small control API on the Express server lets the test set the next token lifetime and read counters.
// The token endpoint accepts only the client id and secret given in INTEROP_CLIENT_ID and
// INTEROP_CLIENT_SECRET, sent as HTTP Basic with each part form-urlencoded (RFC 6749 section 2.3.1).
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { OAuth2Server } from 'oauth2-mock-server';

const HOST = '127.0.0.1';
const AUDIENCE = 'zconnect-interop-api';

const CLIENT_ID = process.env.INTEROP_CLIENT_ID;
const CLIENT_SECRET = process.env.INTEROP_CLIENT_SECRET;
if (!CLIENT_ID || !CLIENT_SECRET) {
  process.stderr.write('servers.mjs: set INTEROP_CLIENT_ID and INTEROP_CLIENT_SECRET to the client credentials to accept\n');
  process.exit(2);
}

const counters = { tokenRequests: 0, apiCalls: 0 };
let nextTokenLifetimeSeconds = 3600;
// The `expires_in` of the token response, or null to send the JWT lifetime. A longer value makes the
// client keep a token that the API already rejects as expired.
let nextExpiresInSeconds = null;
let nextTokenAudience = AUDIENCE;

// Decodes one part of a Basic credential as application/x-www-form-urlencoded, or returns null when malformed.
function formDecode(part) {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

function hasClientCredentials(req) {
  const header = req.headers.authorization ?? '';
  if (!header.toLowerCase().startsWith('basic ')) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  return formDecode(decoded.slice(0, colon)) === CLIENT_ID
    && formDecode(decoded.slice(colon + 1)) === CLIENT_SECRET;
}

const authorizationServer = new OAuth2Server();
await authorizationServer.issuer.keys.generate('RS256');
authorizationServer.service.on('beforeTokenSigning', (token) => {
  const now = Math.floor(Date.now() / 1000);
  token.payload.exp = now + nextTokenLifetimeSeconds;
  token.payload.aud = nextTokenAudience;
});
authorizationServer.service.on('beforeResponse', (response, req) => {
  counters.tokenRequests += 1;
  if (!hasClientCredentials(req)) {
    response.statusCode = 401;
    response.body = { error: 'invalid_client', error_description: 'Invalid client id or secret' };
    return;
  }
  response.body.expires_in = nextExpiresInSeconds ?? nextTokenLifetimeSeconds;
});
await authorizationServer.start(0, HOST);
// The mock server names itself `localhost`; pin the issuer to the address it is bound to.
authorizationServer.issuer.url = `http://${HOST}:${authorizationServer.address().port}`;
const issuer = authorizationServer.issuer.url;

const api = express();
const requireToken = auth({
  issuer,
  audience: AUDIENCE,
  jwksUri: `${issuer}/jwks`,
  tokenSigningAlg: 'RS256',
  // The mock server's clock and the API's are the same machine's: no leeway, so expiry is exact.
  clockTolerance: 0,
});

api.use('/api', (req, res, next) => {
  counters.apiCalls += 1;
  next();
});
api.get('/api/claims/:id', requireToken, (req, res) => {
  res.json({ id: req.params.id, subject: req.auth.payload.sub ?? null, status: 'open' });
});
// A 401 whose challenge names no error: a plain realm, as a legacy gateway sends.
api.get('/api/legacy', (req, res) => {
  res.set('WWW-Authenticate', 'Bearer realm="legacy"').status(401).json({ error: 'unauthorized' });
});

// Answer rejections quietly with the library's status and challenge headers, instead of Express's
// default handler, which prints a stack trace for every expired token.
api.use((err, req, res, next) => {
  if (res.headersSent) return next(err);
  res.set(err.headers ?? {});
  res.status(err.status ?? 500).json({ error: err.code ?? 'server_error' });
});

api.use(express.json());
api.post('/control/token', (req, res) => {
  if (req.body.lifetimeSeconds !== undefined) nextTokenLifetimeSeconds = req.body.lifetimeSeconds;
  if (req.body.expiresInSeconds !== undefined) nextExpiresInSeconds = req.body.expiresInSeconds;
  if (req.body.audience !== undefined) nextTokenAudience = req.body.audience;
  res.json({
    lifetimeSeconds: nextTokenLifetimeSeconds,
    expiresInSeconds: nextExpiresInSeconds,
    audience: nextTokenAudience,
  });
});
api.get('/control/counters', (req, res) => res.json(counters));
api.post('/control/reset', (req, res) => {
  counters.tokenRequests = 0;
  counters.apiCalls = 0;
  nextTokenLifetimeSeconds = 3600;
  nextExpiresInSeconds = null;
  nextTokenAudience = AUDIENCE;
  res.json(counters);
});

const apiServer = api.listen(0, HOST, () => {
  const tokenEndpoint = `${issuer}/token`;
  const apiPort = apiServer.address().port;
  process.stdout.write(`${JSON.stringify({ tokenEndpoint, apiPort, audience: AUDIENCE })}\n`);
});

async function shutdown() {
  apiServer.close();
  await authorizationServer.stop();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.resume();
