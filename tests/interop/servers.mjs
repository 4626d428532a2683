// Starts the interop suite's third-party servers on loopback:
// - oauth2-mock-server as the OAuth 2.0 authorization server, issuing RS256 JWT access tokens;
// - an Express API protected by express-oauth2-jwt-bearer, which rejects expired or invalid tokens
//   with a standard `WWW-Authenticate: Bearer ... error="invalid_token"` challenge.
// Prints one JSON line with the ports, then serves until stdin closes or SIGTERM arrives.
// A small control API on the Express server lets the test set the next token lifetime and read counters.
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { OAuth2Server } from 'oauth2-mock-server';

const HOST = '127.0.0.1';
const AUDIENCE = 'zconnect-interop-api';

const counters = { tokenRequests: 0, apiCalls: 0 };
let nextTokenLifetimeSeconds = 3600;
let nextTokenAudience = AUDIENCE;

const authorizationServer = new OAuth2Server();
await authorizationServer.issuer.keys.generate('RS256');
authorizationServer.service.on('beforeTokenSigning', (token) => {
  counters.tokenRequests += 1;
  const now = Math.floor(Date.now() / 1000);
  token.payload.exp = now + nextTokenLifetimeSeconds;
  token.payload.aud = nextTokenAudience;
});
authorizationServer.service.on('beforeResponse', (response) => {
  response.body.expires_in = nextTokenLifetimeSeconds;
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
  if (req.body.audience !== undefined) nextTokenAudience = req.body.audience;
  res.json({ lifetimeSeconds: nextTokenLifetimeSeconds, audience: nextTokenAudience });
});
api.get('/control/counters', (req, res) => res.json(counters));
api.post('/control/reset', (req, res) => {
  counters.tokenRequests = 0;
  counters.apiCalls = 0;
  nextTokenLifetimeSeconds = 3600;
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
