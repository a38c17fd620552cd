/**
 * The runtime's authentication door: JWTs signed and verified as the server checks them, and the
 * shapes of a verified principal and of the verifiers a server is given. Reading a credential off
 * a request (credentials.ts) and checking it against a scheme (authenticate.ts) stay inside.
 */
export { signJwt, verifyJwt, type JwtOptions } from './jwt.ts';
export type { AuthVerifiers, Principal } from './authenticate.ts';
